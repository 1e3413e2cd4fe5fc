import { connect } from '@nats-io/transport-node';
import { createPostgresEventStore, warnConnectionError, watchPoolErrors } from '@railyard/eventstore';
import { startPlanningRuntime } from '@railyard/planning/runtime';
import { createLogger, NATS_CLIENT_DEFAULTS } from '@railyard/service-kit';
import pg from 'pg';

// The planning service's background work in a process of its own, as `npm start` runs it with
// RAILYARD_WORKERS=separate: the runtime with RAILYARD_ROLE=worker (relay, projections, consumers, sealer) on the
// bench's database and subjects. Prints "ready" once it holds the relay's and both projections' leases; SIGINT
// closes it. The bench sets its niceness, as the launcher does.

const databaseUrl = process.env.WORKER_DATABASE_URL;
const subjectPrefix = process.env.WORKER_SUBJECT_PREFIX;
if (!databaseUrl || !subjectPrefix) throw new Error('WORKER_DATABASE_URL and WORKER_SUBJECT_PREFIX must be set');
const store = createPostgresEventStore({ connectionString: databaseUrl });
await store.ready();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, application_name: 'railyard-planning-worker' });
watchPoolErrors(pool, warnConnectionError);
const nats = await connect({
  servers: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  name: 'railyard-bench-worker',
  ...NATS_CLIENT_DEFAULTS,
});
const logger = createLogger({ name: 'planning-worker', level: 'warn', destination: process.stderr });
const runtime = await startPlanningRuntime({
  store,
  pool,
  nats,
  subjectPrefix,
  auth: { secret: 'bench-worker-secret-that-is-long-enough!' },
  logger,
  role: 'worker',
});
const holdsLeases = () =>
  runtime.relay?.status().state === 'active' && runtime.releaseList.isActive() && runtime.boards.isActive();
const deadline = Date.now() + 30_000;
while (!holdsLeases()) {
  if (Date.now() > deadline) throw new Error('the worker did not take the relay and projection leases within 30 s');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write('ready\n');
process.once('SIGINT', async () => {
  await runtime.close();
  await nats.drain();
  await pool.end();
  await store.close();
  process.exit(0);
});
