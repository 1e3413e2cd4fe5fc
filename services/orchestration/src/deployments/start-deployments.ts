import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { busStreamNames, DEFAULT_SUBJECT_PREFIX } from '@railyard/contracts';
import { observedGaugeSeries } from '@railyard/service-kit';
import type { MigrationGuard, WaveGate } from '../rollout-ports.js';
import { createDeploymentCapability, type DeploymentCapability, type DeploymentCapabilityDeps } from './capability.js';
import type { DeploymentDriver } from './driver/driver.js';
import { createWebhookDriver } from './driver/webhook-driver.js';

/** How a process runs deployments: the agent and its secrets, the time scale, the scheduler's pace. */
export interface DeploymentRuntimeOptions {
  agentUrl: string;
  agentSecret: string;
  callbackSecret: string;
  callbackUrl: string | (() => string);
  minuteMs?: number;
  keepMinutes?: number;
  /** The scheduler's pace (default 1000 ms); false: only on `scheduler.tick()`. */
  intervalMs?: number | false;
  resendAfterMs?: number;
  /** Another driver than the webhook one (none exists yet; the port is there for them). */
  driver?: DeploymentDriver;
  waveGate?: WaveGate;
  migrations?: MigrationGuard;
}

/**
 * Builds the deployment capability for a process and starts what runs in the background: the two durable
 * consumers (when there is a bus) and the scheduler. Everything it starts is registered with `onClose`.
 */
export async function startDeployments(
  options: DeploymentRuntimeOptions,
  deps: Omit<
    DeploymentCapabilityDeps,
    'driver' | 'callbackSecret' | 'minuteMs' | 'keepMinutes' | 'schedulerIntervalMs' | 'waveGate' | 'migrations'
  > & {
    nats?: NatsConnection;
    subjectPrefix?: string;
    busStream?: string;
    /** Registers a stop with the runtime (its `ctx.onClose`); stops run newest first. */
    onClose(name: string, close: () => Promise<unknown> | unknown): void;
  },
): Promise<DeploymentCapability> {
  const capability = createDeploymentCapability({
    ...deps,
    driver:
      options.driver ??
      createWebhookDriver({
        agentUrl: options.agentUrl,
        secret: options.agentSecret,
        callbackUrl: options.callbackUrl,
      }),
    callbackSecret: options.callbackSecret,
    minuteMs: options.minuteMs ?? 60_000,
    keepMinutes: options.keepMinutes ?? 30,
    schedulerIntervalMs: options.intervalMs ?? 1000,
    resendAfterMs: options.resendAfterMs,
    waveGate: options.waveGate,
    migrations: options.migrations,
  });
  if (deps.nats) {
    const prefix = deps.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    const consumers = capability.consumers({
      js: jetstream(deps.nats),
      jsm: await jetstreamManager(deps.nats),
      stream: deps.busStream ?? busStreamNames(prefix).stream,
      subjectPrefix: prefix,
    });
    for (const consumer of consumers) {
      await consumer.start();
      deps.onClose(`${consumer.name} consumer`, () => consumer.stop());
      observedGaugeSeries(
        'railyard_consumer_lag_messages',
        'Messages a durable consumer has not yet handled',
        'consumer',
        consumer.name,
        () => consumer.lag(),
      );
    }
  }
  if (options.intervalMs !== false) capability.scheduler.start();
  deps.onClose('deployment scheduler', () => capability.scheduler.stop());
  return capability;
}
