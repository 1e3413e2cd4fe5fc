import { Writable } from 'node:stream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { consumerName, deadLetterSubject, subjectFilter } from '@railyard/contracts';
import { createConsumer, type DurableConsumer } from '@railyard/messaging';
import {
  createLogger,
  loadConfig,
  openServiceInfrastructure,
  runtimeBaseOf,
  type ServiceInfrastructure,
  signDevToken,
} from '@railyard/service-kit';
import { planningConfigSchema } from '../config.js';
import { type PlanningRuntime, startPlanningRuntime } from '../runtime.js';

export const AS_MAIN_SECRET = 'fault-test-secret-that-is-long-enough-for-hs256';

export interface PlanningAsMain {
  runtime: PlanningRuntime;
  infra: ServiceInfrastructure;
  /** Every log line at warn and above, parsed. */
  logs: Record<string, unknown>[];
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /**
   * Starts a durable consumer of the release events on the service's own connection and pool, as a reactor would
   * run: its effect is one row per event in `public.effects`, committed with its inbox row. `effects()` counts them.
   */
  probeConsumer(): Promise<{ consumer: DurableConsumer; effects(): Promise<number> }>;
  /** Deletes the JetStream streams the service created for its prefix (a test's own, on a shared server). */
  dropBus(): Promise<void>;
  /** Closes in reverse, as runService does; resolves with the resources whose close failed. */
  close(): Promise<{ resource: string; error: unknown }[]>;
}

/**
 * The planning service composed exactly as main() composes it (configuration parsed from `env`, the kit's
 * infrastructure opener, the runtime), in this process and not listening: fault tests drive it with inject while
 * they break its database or its bus underneath.
 */
export async function startPlanningAsMain(env: Record<string, string>): Promise<PlanningAsMain> {
  const config = loadConfig(planningConfigSchema, { LOG_LEVEL: 'warn', RAILYARD_AUTH_SECRET: AS_MAIN_SECRET, ...env });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ name: 'planning', level: config.LOG_LEVEL, destination });
  const closers: { resource: string; close: () => unknown }[] = [];
  const infra = await openServiceInfrastructure('planning', config, logger, (resource, close) =>
    closers.push({ resource, close }),
  );
  const runtime = await startPlanningRuntime(runtimeBaseOf(config, infra, logger));
  closers.push({ resource: 'planning runtime', close: () => runtime.close() });
  return {
    runtime,
    infra,
    logs,
    auth: async (sub, roles) => ({
      authorization: `Bearer ${await signDevToken({ sub, roles, secret: AS_MAIN_SECRET })}`,
    }),
    async probeConsumer() {
      await infra.pool.query('CREATE TABLE IF NOT EXISTS public.effects (event_id text PRIMARY KEY)');
      const name = consumerName('planning', 'probe');
      const consumer = createConsumer({
        js: jetstream(infra.nats),
        jsm: await jetstreamManager(infra.nats),
        pool: infra.pool,
        stream: infra.bus.stream,
        durableName: name,
        filterSubject: subjectFilter(config.SUBJECT_PREFIX, 'planning', 'release'),
        deadLetterSubject: deadLetterSubject(config.SUBJECT_PREFIX, name),
        backoff: [100],
        handler: async (event, ctx) => {
          // A plain insert: a second application of one event would fail on the key, not pass unnoticed.
          await ctx.tx.query('INSERT INTO public.effects (event_id) VALUES ($1)', [event.id]);
        },
      });
      await consumer.start();
      closers.push({ resource: 'probe consumer', close: () => consumer.stop() });
      const effects = async () =>
        (await infra.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.effects')).rows[0]!.n;
      return { consumer, effects };
    },
    async dropBus() {
      const jsm = await jetstreamManager(infra.nats);
      await jsm.streams.delete(infra.bus.stream).catch(() => {});
      await jsm.streams.delete(infra.bus.deadLetterStream).catch(() => {});
    },
    async close() {
      const failed: { resource: string; error: unknown }[] = [];
      for (const { resource, close } of closers.reverse()) {
        try {
          await close();
        } catch (error) {
          failed.push({ resource, error });
        }
      }
      return failed;
    },
  };
}
