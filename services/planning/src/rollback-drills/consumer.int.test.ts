import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RollbackDrillOverdue, RollbackDrillRecorded, rollbackDrillStream } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { createLogger } from '@railyard/service-kit';
import {
  createTestDatabase,
  specMetadata,
  type TestDatabase,
  testInfra,
  testSubjectPrefix,
  waitFor,
} from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningRuntime, startPlanningRuntime } from '../runtime.js';
import { TEST_SECRET } from '../test-support/planning-fixture.js';
import { overdueDrillsOf } from './overdue-drills.js';

/**
 * `planning--rollback-drills`: governance's drill events reach planning's overdue set; a planning started after them
 * catches up from the store; a recorded drill clears the service; a stale overdue (for a due date already drilled)
 * changes nothing.
 */
let database: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;
let busStream: string;
let prefix: string;
let relay: Relay;
let planning: PlanningRuntime;

const append = (service: string, type: string, data: Record<string, unknown>) =>
  store.append(rollbackDrillStream(service), [{ id: randomUUID(), type, data, metadata: specMetadata() }], 'any');
const overdue = (service: string, dueAt: string) =>
  append(service, RollbackDrillOverdue.type, RollbackDrillOverdue.schema.parse({ service, dueAt, detectedAt: dueAt }));
const recorded = (service: string, performedAt: string, nextDueAt: string) =>
  append(
    service,
    RollbackDrillRecorded.type,
    RollbackDrillRecorded.schema.parse({
      drillId: randomUUID(),
      service,
      performedAt,
      timeToRollbackSeconds: 60,
      dataIntact: true,
      issues: [],
      recordedBy: 'sre',
      nextDueAt,
    }),
  );

beforeAll(async () => {
  database = await createTestDatabase('planningRollbackDrills');
  store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  pool = new pg.Pool({ connectionString: database.url, max: 10 });
  watchPoolErrors(pool, () => {});
  nc = await connect({ servers: (await testInfra()).natsUrl });
  prefix = testSubjectPrefix('pldrills');
  busStream = (await ensureBusStreams(await jetstreamManager(nc), { prefix, name: prefix.toUpperCase() })).stream;
  // History from before planning existed: only the store has it (no governance relay has run yet).
  await overdue('ledger', '2026-07-01T00:00:00.000Z');
  await overdue('search', '2026-08-01T00:00:00.000Z');
  await recorded('search', '2026-08-02T00:00:00.000Z', '2026-11-01T00:00:00.000Z');
  planning = await startPlanningRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'planning', level: 'silent' }),
    sealIntervalMs: false,
  });
  relay = createRelay({ store, js: jetstream(nc), pool, service: 'governance', subjectPrefix: prefix, lockPollMs: 50 });
  await relay.start();
});
afterAll(async () => {
  await relay?.stop();
  await planning?.close();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(busStream).catch(() => {});
  await jsm.streams.delete(`${busStream}_DLQ`).catch(() => {});
  await nc?.drain();
  await pool?.end();
  await store?.close();
  await database?.drop();
});

describe('planning--rollback-drills', () => {
  const read = () => overdueDrillsOf(planning.db as never)();

  it('catches up from the beginning, then follows the bus', async () => {
    // One entry is also what the set shows after the first historic event alone (ledger, before search's overdue
    // and its recorded drill): wait for the consumer to owe nothing as well (seen once in CI).
    const owesNothing = async () => (await Promise.all(planning.consumers.map((c) => c.lag()))).every((n) => n === 0);
    await waitFor('the caught-up overdue set', async () =>
      (await read()).length === 1 && (await owesNothing()) ? true : undefined,
    );
    expect(await read()).toEqual([{ service: 'ledger', dueAt: '2026-07-01T00:00:00.000Z' }]);

    await overdue('payments', '2026-10-01T00:00:00.000Z');
    await waitFor('payments overdue', async () => ((await read()).length === 2 ? true : undefined));
    await recorded('ledger', '2026-10-02T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
    // A stale overdue (its due date is before the drill just recorded) must not flag ledger again.
    await overdue('ledger', '2026-07-01T00:00:00.000Z');
    await overdue('search', '2026-11-01T00:00:00.000Z');
    await waitFor('search overdue again', async () =>
      (await read()).some((d) => d.service === 'search') ? true : undefined,
    );
    expect(await read()).toEqual([
      { service: 'payments', dueAt: '2026-10-01T00:00:00.000Z' },
      { service: 'search', dueAt: '2026-11-01T00:00:00.000Z' },
    ]);
  });
});
