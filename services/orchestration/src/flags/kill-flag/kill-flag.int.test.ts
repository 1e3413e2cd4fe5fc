import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags, TEST_API_KEY } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);

const variants = async () => {
  const out: string[] = [];
  for (const targetingKey of keys) {
    const res = await f.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/new-pricing',
      headers: { 'x-api-key': TEST_API_KEY },
      payload: { context: { targetingKey } },
    });
    out.push(res.json().variant);
  }
  return out;
};

beforeAll(async () => {
  f = await startFlags('killflag');
  dev = await f.auth('dev-ines', ['developer']);
  const payload = {
    key: 'new-pricing',
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: {
      fractional: [
        ['on', 50],
        ['off', 50],
      ],
    },
    reason: 'r',
  };
  expect((await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload })).statusCode).toBe(201);
  await f.settled(flagStream('new-pricing'));
});
afterAll(() => f?.close());

describe('POST /flags/:key/kill and /restore', () => {
  it('the kill switch serves the off variant to every key at once, on the record; restore brings the split back', async () => {
    const before = await variants();
    expect(new Set(before)).toEqual(new Set(['on', 'off']));
    const sre = await f.auth('sre-oli', ['sre']);
    const kill = await f.app.inject({
      method: 'POST',
      url: '/flags/new-pricing/kill',
      headers: sre,
      payload: { reason: 'checkout errors' },
    });
    expect(kill.statusCode).toBe(200);
    expect(kill.json()).toMatchObject({ killed: true });
    expect((await f.eventsOf(flagStream('new-pricing'))).at(-1)).toEqual({
      type: 'FlagKilled',
      data: { key: 'new-pricing', offVariant: 'off', reason: 'checkout errors', killedBy: 'sre-oli' },
    });
    await f.settled(flagStream('new-pricing'));
    expect(await variants()).toEqual(keys.map(() => 'off'));

    const again = await f.app.inject({
      method: 'POST',
      url: '/flags/new-pricing/kill',
      headers: sre,
      payload: { reason: 'x' },
    });
    expect([again.statusCode, again.json().code]).toEqual([409, FlagErrorCodes.FLAG_ALREADY_KILLED]);

    const restore = await f.app.inject({
      method: 'POST',
      url: '/flags/new-pricing/restore',
      headers: sre,
      payload: { reason: 'fixed' },
    });
    expect(restore.statusCode).toBe(200);
    await f.settled(flagStream('new-pricing'));
    expect(await variants()).toEqual(before);
    const twice = await f.app.inject({
      method: 'POST',
      url: '/flags/new-pricing/restore',
      headers: sre,
      payload: { reason: 'x' },
    });
    expect([twice.statusCode, twice.json().code]).toEqual([409, FlagErrorCodes.FLAG_NOT_KILLED]);
  });

  it('needs a reason and a role that may pull the switch', async () => {
    expect(
      (await f.app.inject({ method: 'POST', url: '/flags/new-pricing/kill', headers: dev, payload: {} })).statusCode,
    ).toBe(400);
    const analyst = await f.auth('ana', ['analyst']);
    const res = await f.app.inject({
      method: 'POST',
      url: '/flags/new-pricing/kill',
      headers: analyst,
      payload: { reason: 'r' },
    });
    expect(res.statusCode).toBe(403);
    expect(await f.eventsOf(flagStream('new-pricing'))).toHaveLength(3);
  });
});
