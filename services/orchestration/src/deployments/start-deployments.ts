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
 * Builds the deployment capability for a process and starts its scheduler, registered with `onClose`. Its two
 * durable consumers (`capability.consumers(bus)`) are the runtime's to start, stop and gauge, when there is a bus.
 */
export async function startDeployments(
  options: DeploymentRuntimeOptions,
  deps: Omit<
    DeploymentCapabilityDeps,
    'driver' | 'callbackSecret' | 'minuteMs' | 'keepMinutes' | 'schedulerIntervalMs' | 'waveGate' | 'migrations'
  > & {
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
  if (options.intervalMs !== false) capability.scheduler.start();
  deps.onClose('deployment scheduler', () => capability.scheduler.stop());
  return capability;
}
