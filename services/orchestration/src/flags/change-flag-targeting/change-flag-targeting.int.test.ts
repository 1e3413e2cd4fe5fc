import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
const base = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
beforeAll(async () => {
  f = await startFlags('targeting');
  dev = await f.auth('dev-ines', ['developer']);
  await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload: { key: 'search', ...base, reason: 'r' } });
});
afterAll(() => f?.close());

const put = (payload: object, headers: Record<string, string> = {}, key = 'search') =>
  f.app.inject({ method: 'PUT', url: `/flags/${key}/targeting`, headers: { ...dev, ...headers }, payload });

describe('PUT /flags/:key/targeting', () => {
  const targeting = {
    fractional: [
      ['on', 10],
      ['off', 90],
    ],
  };

  it('replaces the targeting and records FlagTargetingChanged with who and why', async () => {
    const res = await put({ targeting, reason: '10% canary' }, { 'if-match': '"0"' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json().definition.targeting).toEqual(targeting);
    expect((await f.eventsOf(flagStream('search'))).at(-1)).toEqual({
      type: 'FlagTargetingChanged',
      data: { key: 'search', targeting, reason: '10% canary', changedBy: 'dev-ines' },
    });
  });

  it('refuses a stale If-Match with 412, the same targeting with 409, and an unknown flag with 404', async () => {
    expect((await put({ targeting: null, reason: 'r' }, { 'if-match': '"0"' })).statusCode).toBe(412);
    const same = await put({ targeting, reason: 'again' });
    expect([same.statusCode, same.json().code]).toEqual([409, FlagErrorCodes.FLAG_UNCHANGED]);
    const missing = await put({ targeting: null, reason: 'r' }, {}, 'nope');
    expect([missing.statusCode, missing.json().code]).toEqual([404, FlagErrorCodes.FLAG_NOT_FOUND]);
    expect(await f.eventsOf(flagStream('search'))).toHaveLength(2);
  });

  it('refuses targeting that does not parse, or weights that are not integers, recording nothing', async () => {
    for (const bad of [
      { nope: [1] },
      {
        fractional: [
          ['on', 1.5],
          ['off', 1],
        ],
      },
    ]) {
      const res = await put({ targeting: bad, reason: 'r' });
      expect([res.statusCode, res.json().code]).toEqual([422, FlagErrorCodes.FLAG_INVALID]);
    }
    expect((await put({ targeting: 'on', reason: 'r' })).statusCode).toBe(400);
    expect(await f.eventsOf(flagStream('search'))).toHaveLength(2);
  });

  it('removes the targeting with null', async () => {
    const res = await put({ targeting: null, reason: 'rollout complete' });
    expect(res.statusCode).toBe(200);
    expect(res.json().definition).not.toHaveProperty('targeting');
  });
});
