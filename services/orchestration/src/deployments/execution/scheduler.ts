import type { Logger } from '@railyard/service-kit';
import { type LeasedTicker, startLeasedTicker } from '@railyard/service-kit/backbone';
import type pg from 'pg';
import type { DeploymentExecutor } from './executor.js';

export interface DeploymentScheduler {
  /** One pass over every active deployment; resolves when it is done. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Moves running deployments on when nothing else does: pauses that ended, blue-green keep times, steps whose
 * callback never came, deployments left mid-step by a crash. Single-active per service under a Postgres advisory
 * lease (DESIGN §1), a standby replica taking over; callbacks still advance their deployment wherever they land.
 */
export function createDeploymentScheduler(deps: {
  pool: pg.Pool;
  /** The deployments that may have something due (running or rolling back), from the read model. */
  active(): Promise<string[]>;
  executor: DeploymentExecutor;
  intervalMs: number;
  logger: Logger;
}): DeploymentScheduler {
  const { executor, logger } = deps;
  let ticker: LeasedTicker<void> | undefined;

  async function tick() {
    for (const id of await deps.active()) {
      await executor.advance(id).catch((err) => logger.warn({ err, deploymentId: id }, 'deployment pass failed'));
    }
  }

  return {
    tick,
    start() {
      ticker = startLeasedTicker({
        pool: deps.pool,
        leaseName: 'orchestration:deployment-scheduler',
        name: 'deployment scheduler',
        intervalMs: deps.intervalMs,
        tick,
        logger: deps.logger,
      });
    },
    async stop() {
      await ticker?.stop();
    },
  };
}
