import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags, TEST_API_KEY } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
beforeAll(async () => {
  f = await startFlags('flagstate');
  dev = await f.auth('dev-ines', ['developer']);
  const payload = {
    key: 'exports',
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'on',
    reason: 'r',
  };
  await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload });
});
afterAll(() => f?.close());

const put = (state: string) =>
  f.app.inject({ method: 'PUT', url: '/flags/exports/state', headers: dev, payload: { state, reason: 'maintenance' } });

describe('PUT /flags/:key/state', () => {
  it('disables a flag: recorded, and OFREP answers DISABLED', async () => {
    const res = await put('DISABLED');
    expect(res.statusCode).toBe(200);
    expect((await f.eventsOf(flagStream('exports'))).at(-1)).toEqual({
      type: 'FlagStateChanged',
      data: { key: 'exports', state: 'DISABLED', reason: 'maintenance', changedBy: 'dev-ines' },
    });
    await f.settled(flagStream('exports'));
    const ofrep = await f.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/exports',
      headers: { 'x-api-key': TEST_API_KEY },
      payload: { context: {} },
    });
    expect(ofrep.json()).toMatchObject({ reason: 'DISABLED' });
  });

  it('refuses the state it already has (409) and an unknown state (400)', async () => {
    const same = await put('DISABLED');
    expect([same.statusCode, same.json().code]).toEqual([409, FlagErrorCodes.FLAG_UNCHANGED]);
    expect((await put('PAUSED')).statusCode).toBe(400);
    expect(await f.eventsOf(flagStream('exports'))).toHaveLength(2);
  });
});
