import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumerName, DeploymentSucceeded, deadLetterSubject, subjectFilter } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import { v5 as uuidv5 } from 'uuid';
import { createWatchCommands, watchStream } from '../rollback/watch-commands.js';

export const DEPENDENT_HEALTH_CONSUMER = consumerName('monitoring', 'dependent-health');
// Namespace of check ids derived from (deploy event, dependent): a redelivered deploy records each check once.
const CHECK_NAMESPACE = '5e7a9c1b-3d2f-5a4b-8c6d-1e2f3a4b5c6d';
const ACTOR = { id: 'monitoring-dependent-health', kind: 'system' as const, roles: [] };
/** A deploy older than this when first seen (a new consumer reading the bus's backlog) is not checked any more. */
const MAX_AGE_MS = 10 * 60_000;

/** One health endpoint: healthy when it answers 2xx within the timeout. */
async function probe(url: string, timeoutMs: number) {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const healthy = res.status >= 200 && res.status < 300;
    return { healthy, status: res.status, latencyMs, message: healthy ? 'healthy' : `answered ${res.status}` };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      healthy: false,
      status: null,
      latencyMs: null,
      message: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `unreachable: ${(error as Error).message}`.slice(0, 2000),
    };
  }
}

/**
 * `monitoring--dependent-health` (M3): after a deploy succeeds, the health endpoint of every service that depends on
 * the deployed one (consumes an API it provides, from the rollout plans learnt) is checked, and each result recorded
 * in the deployment's watch stream. An unhealthy dependent is reported to `onUnhealthy` (an anomaly).
 */
export function createDependentHealthConsumer(deps: {
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  dependentsOf: (service: string) => Promise<string[]>;
  /** The health URL of a service in an environment, when one is configured. */
  healthUrl: (service: string, environment: string) => string | undefined;
  timeoutMs: number;
  onUnhealthy?: (check: {
    deploymentId: string;
    releaseId: string | null;
    dependent: string;
    environment: string;
    message: string;
  }) => Promise<void>;
  logger?: MessagingLogger;
}): DurableConsumer {
  const commands = createWatchCommands(deps.store);
  async function handle(event: BusEvent) {
    if (event.type !== 'DeploymentSucceeded' || Date.now() - event.createdAt.getTime() > MAX_AGE_MS) return;
    const parsed = DeploymentSucceeded.schema.safeParse(event.data);
    if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
    const d = parsed.data;
    for (const dependent of await deps.dependentsOf(d.service)) {
      const url = deps.healthUrl(dependent, d.environment);
      if (!url) continue;
      const result = await probe(url, deps.timeoutMs);
      const check = {
        deploymentId: d.deploymentId,
        checkId: uuidv5(`${event.id}\u0000${dependent}`, CHECK_NAMESPACE),
        service: d.service,
        environment: d.environment,
        dependent,
        url,
        ...result,
      };
      const ctx = { actor: ACTOR, now: new Date(), correlationId: event.metadata.correlationId, causationId: event.id };
      const recorded = await commands.handle(
        watchStream(d.deploymentId),
        { type: 'RecordHealthCheck', actor: ACTOR, check },
        ctx,
      );
      if (!result.healthy && recorded.events.length > 0) {
        await deps.onUnhealthy?.({
          deploymentId: d.deploymentId,
          releaseId: d.releaseId,
          dependent,
          environment: d.environment,
          message: `${dependent} is unhealthy after ${d.service} ${d.artifact.version} was deployed: ${result.message}`,
        });
      }
    }
  }
  return createConsumer({
    js: deps.js,
    jsm: deps.jsm,
    pool: deps.pool,
    stream: deps.stream,
    durableName: DEPENDENT_HEALTH_CONSUMER,
    filterSubject: subjectFilter(deps.subjectPrefix, 'orchestration', 'deployment'),
    deadLetterSubject: deadLetterSubject(deps.subjectPrefix, DEPENDENT_HEALTH_CONSUMER),
    backoff: [1000, 5000],
    handler: (event) => handle(event),
    logger: deps.logger,
  });
}
