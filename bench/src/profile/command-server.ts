import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { NATS_CLIENT_DEFAULTS } from '@railyard/service-kit';

// The planning service alone in a process, so what is measured or profiled is the command path and nothing of the
// load generator. Prints its origin and token on stdout; SIGUSR2 starts the CPU profiler (after the driver's
// warm-up, so start-up and JIT warm-up stay out of it); SIGINT writes the profile to PROFILE_OUT, if set, and closes.
// SERVER_TRACING=1 starts OpenTelemetry first, as main() does, with every span recorded and handed to an exporter
// that drops it: the cost of tracing in the process, without a collector's.
if (process.env.SERVER_TRACING === '1') {
  const { startTelemetry } = await import('@railyard/service-kit');
  startTelemetry({
    serviceName: 'planning',
    exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} },
  });
}
// Loaded only now: the pg instrumentation patches a driver loaded after telemetry started.
const { createPostgresEventStore } = await import('@railyard/eventstore');
const { connect } = await import('@nats-io/transport-node');
const { startPlanningStack } = await import('../planning-stack.js');

const databaseUrl = process.env.PROFILE_DATABASE_URL!;
const store = createPostgresEventStore({ connectionString: databaseUrl });
await store.ready();
const nats = await connect({
  servers: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  name: 'railyard-profile',
  ...NATS_CLIENT_DEFAULTS,
});
const stack = await startPlanningStack({
  store,
  databaseUrl,
  nats,
  subjectPrefix: process.env.PROFILE_SUBJECT_PREFIX!,
});
// PROFILE_NO_BACKGROUND=1: the relay and the projections stopped, so the profile holds the request path alone.
if (process.env.PROFILE_NO_BACKGROUND === '1') {
  await Promise.all([stack.relay.stop(), stack.releaseList.stop(), stack.boards.stop()]);
}
process.stdout.write(`${JSON.stringify({ origin: stack.origin, authorization: stack.authorization })}\n`);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
process.once('SIGUSR2', () => {
  void session.post('Profiler.start');
});
process.once('SIGINT', async () => {
  if (process.env.PROFILE_OUT) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(process.env.PROFILE_OUT, JSON.stringify(profile));
  }
  await stack.close();
  await nats.drain();
  await store.close();
  process.exit(0);
});
