import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
beforeAll(async () => {
  f = await startFlags('variants');
  dev = await f.auth('dev-ines', ['developer']);
  const payload = {
    key: 'banner',
    state: 'ENABLED',
    variants: { none: '', sale: 'Winter sale' },
    defaultVariant: 'none',
    targeting: { if: [{ '==': [{ var: 'plan' }, 'free'] }, 'sale', null] },
    reason: 'r',
  };
  expect((await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload })).statusCode).toBe(201);
});
afterAll(() => f?.close());

const put = (payload: object) => f.app.inject({ method: 'PUT', url: '/flags/banner/variants', headers: dev, payload });

describe('PUT /flags/:key/variants', () => {
  it('replaces the variants, keeping the kill-switch variant while it still exists', async () => {
    const variants = { none: '', sale: 'Winter sale: 20% off' };
    const res = await put({ variants, defaultVariant: 'none', reason: 'copy change' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ offVariant: 'none', definition: { variants } });
    expect((await f.eventsOf(flagStream('banner'))).at(-1)).toEqual({
      type: 'FlagVariantsChanged',
      data: {
        key: 'banner',
        variants,
        defaultVariant: 'none',
        offVariant: 'none',
        reason: 'copy change',
        changedBy: 'dev-ines',
      },
    });
  });

  it('refuses variants the targeting no longer finds, mixed types, and a missing default, recording nothing', async () => {
    const bad = [
      { variants: { none: '', promo: 'x' }, defaultVariant: 'none' },
      { variants: { none: '', sale: 1 }, defaultVariant: 'none' },
      { variants: { none: '', sale: 'x' }, defaultVariant: 'other' },
    ];
    for (const body of bad) {
      const res = await put({ ...body, reason: 'r' });
      expect([res.statusCode, res.json().code]).toEqual([422, FlagErrorCodes.FLAG_INVALID]);
    }
    expect(await f.eventsOf(flagStream('banner'))).toHaveLength(2);
  });
});
