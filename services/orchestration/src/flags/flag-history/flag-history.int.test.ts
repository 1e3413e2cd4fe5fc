import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags } from '../test-support/flag-fixture.js';

let f: FlagFixture;
beforeAll(async () => {
  f = await startFlags('flaghistory');
});
afterAll(() => f?.close());

describe('GET /flags/:key/history, GET /flags/:key, GET /flags', () => {
  it('lists every change with its actor and reason, oldest first', async () => {
    const dev = await f.auth('dev-ines', ['developer']);
    const lead = await f.auth('lead-max', ['deployment-lead']);
    const definition = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
    const steps = [
      {
        method: 'POST',
        url: '/flags',
        headers: dev,
        payload: { key: 'wishlist', ...definition, reason: 'new feature' },
      },
      {
        method: 'PUT',
        url: '/flags/wishlist/targeting',
        headers: dev,
        payload: {
          targeting: {
            fractional: [
              ['on', 5],
              ['off', 95],
            ],
          },
          reason: '5%',
        },
      },
      { method: 'POST', url: '/flags/wishlist/kill', headers: lead, payload: { reason: 'rollback of 2026.12' } },
    ] as const;
    for (const step of steps) expect((await f.app.inject(step)).statusCode).toBeLessThan(300);

    const res = await f.app.inject({ method: 'GET', url: '/flags/wishlist/history', headers: dev });
    expect(res.statusCode).toBe(200);
    const changes = res.json().changes as { type: string; actor: { id: string }; reason: string; revision: number }[];
    expect(changes.map((c) => [c.revision, c.type, c.actor.id, c.reason])).toEqual([
      [0, 'FlagDefined', 'dev-ines', 'new feature'],
      [1, 'FlagTargetingChanged', 'dev-ines', '5%'],
      [2, 'FlagKilled', 'lead-max', 'rollback of 2026.12'],
    ]);

    const one = await f.app.inject({ method: 'GET', url: '/flags/wishlist', headers: dev });
    expect([one.statusCode, one.headers.etag, one.json().killed]).toEqual([200, '"2"', true]);
    await f.settled(flagStream('wishlist'));
    const list = await f.app.inject({ method: 'GET', url: '/flags', headers: dev });
    expect(list.json().flags.map((x: { key: string; killed: boolean }) => [x.key, x.killed])).toEqual([
      ['wishlist', true],
    ]);
  });

  it('answers 404 for a flag that does not exist', async () => {
    const dev = await f.auth('dev-ines', ['developer']);
    for (const url of ['/flags/ghost', '/flags/ghost/history']) {
      const res = await f.app.inject({ method: 'GET', url, headers: dev });
      expect([res.statusCode, res.json().code]).toEqual([404, 'ORCHESTRATION_FLAG_NOT_FOUND']);
    }
  });
});
