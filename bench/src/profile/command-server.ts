import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { connect } from '@nats-io/transport-node';
import { createPostgresEventStore } from '@railyard/eventstore';
import { startPlanningStack } from '../planning-stack.js';

// The planning service alone in a process, so the profile holds the command path and nothing of the load generator.
// Prints its origin and token on stdout; SIGUSR2 starts the CPU profiler (after the driver's warm-up, so start-up
// and JIT warm-up stay out of it); SIGINT writes the profile to PROFILE_OUT and closes.
const databaseUrl = process.env.PROFILE_DATABASE_URL!;
const store = createPostgresEventStore({ connectionString: databaseUrl });
await store.ready();
const nats = await connect({ servers: process.env.NATS_URL || 'nats://127.0.0.1:4222', name: 'railyard-profile' });
const stack = await startPlanningStack({
  store,
  databaseUrl,
  nats,
  subjectPrefix: process.env.PROFILE_SUBJECT_PREFIX!,
});
process.stdout.write(`${JSON.stringify({ origin: stack.origin, authorization: stack.authorization })}\n`);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
process.once('SIGUSR2', () => {
  void session.post('Profiler.start');
});
process.once('SIGINT', async () => {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(process.env.PROFILE_OUT!, JSON.stringify(profile));
  await stack.close();
  await nats.drain();
  await store.close();
  process.exit(0);
});
