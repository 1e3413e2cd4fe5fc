import { randomUUID } from 'node:crypto';
import { releaseEvents } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { type PlanningRuntime, startPlanningRuntime } from '@railyard/planning/runtime';
import { createLogger } from '@railyard/service-kit';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, runCli } from './test-support/cli-harness.js';

let tdb: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let runtime: PlanningRuntime | undefined;
let env: NodeJS.ProcessEnv;
const RELEASES = 3;

const rows = async () =>
  (await pool.query('SELECT * FROM planning.release_list ORDER BY release_id')).rows as Record<string, unknown>[];

beforeAll(async () => {
  tdb = await createTestDatabase('cliRebuild');
  store = createPostgresEventStore({ connectionString: tdb.url, pollIntervalMs: 20 });
  await store.ready();
  pool = new pg.Pool({ connectionString: tdb.url, max: 5 });
  pool.on('error', () => {});
  env = { DATABASE_URL: tdb.url };
  // The planning service as main() wires it: migrations and the live release-list runner, holding its lock.
  const live = await startPlanningRuntime({
    store,
    pool,
    auth: { secret: 'test-secret-that-is-long-enough-for-hs256!' },
    logger: createLogger({ name: 'planning', level: 'silent' }),
    sealIntervalMs: false,
  });
  runtime = live;
  for (let i = 0; i < RELEASES; i++) {
    const releaseId = randomUUID();
    const itemId = randomUUID();
    const data = [
      ['ReleasePlanned', { releaseId, name: `R${i}`, targetDate: '2026-12-01', owner: 'alice' }],
      ['ScopeItemAdded', { releaseId, itemId, title: 'X', team: 'payments', kind: 'fix', author: 'alice' }],
      ['ScopeItemAccepted', { releaseId, itemId, acceptedBy: 'paula' }],
    ] as const;
    await store.append(
      `release-${releaseId}`,
      data.map(([type, d]) => anEvent(type, releaseEvents[type].schema.parse(d) as Record<string, unknown>)),
      'noStream',
    );
  }
  await waitFor(
    'the live release-list projection to catch up',
    async () => (await rows()).length >= RELEASES && (await live.releaseList.lag()) === 0,
  );
});

afterAll(async () => {
  await runtime?.close();
  await pool?.end();
  await store?.close();
  await tdb?.drop();
});

describe('railyard rebuild', () => {
  it('lists the projections the services export', async () => {
    const result = await runCli(['rebuild', '--list'], env);
    expect(result.code).toBe(0);
    expect(result.out).toEqual(
      expect.arrayContaining([
        'release-list  (schema planning)',
        'release-boards  (schema planning)',
        'artifact-catalog  (schema artifact)',
        'run-list  (schema pipeline)',
        'reporting  (schema governance)',
      ]),
    );
  });

  it('refuses (exit 1) while the live runner holds the projection, then rebuilds the same rows once it stops', async () => {
    const live = await rows();
    expect(live.map((row) => row.status)).toEqual(['scoped', 'scoped', 'scoped']);

    const busy = await runCli(['rebuild', 'release-list'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/projection planning\.release-list is running elsewhere/);
    expect(await rows()).toEqual(live);

    await runtime?.close();
    runtime = undefined;
    const result = await runCli(['rebuild', 'release-list'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^rebuilt planning\\.release-list: ${RELEASES * 3} events replayed in \\d+ ms \\(checkpoint \\d+\\)$`),
    );
    expect(await rows()).toEqual(live);
  });

  it('rejects an unknown projection as a usage error', async () => {
    const result = await runCli(['rebuild', 'nope'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown projection "nope" \(known: release-list/);
    expect((await runCli(['rebuild'], env)).code).toBe(2);
  });
});
