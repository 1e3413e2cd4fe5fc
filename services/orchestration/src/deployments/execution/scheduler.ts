import { runUnderLease } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
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
  let stopper: AbortController | undefined;
  let loop: Promise<void> | undefined;

  async function tick() {
    for (const id of await deps.active()) {
      await executor.advance(id).catch((err) => logger.warn({ err, deploymentId: id }, 'deployment pass failed'));
    }
  }

  return {
    tick,
    start() {
      const controller = new AbortController();
      stopper = controller;
      const { signal } = controller;
      loop = runUnderLease(
        deps.pool,
        'orchestration:deployment-scheduler',
        { signal, onError: (err, phase) => logger.warn({ err, phase }, 'deployment scheduler lease') },
        async (lease) => {
          while (!signal.aborted && !lease.lost.aborted) {
            await tick().catch((err) => logger.warn({ err }, 'deployment scheduler pass failed'));
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, deps.intervalMs);
              signal.addEventListener(
                'abort',
                () => {
                  clearTimeout(timer);
                  resolve();
                },
                { once: true },
              );
            });
          }
        },
      );
    },
    async stop() {
      stopper?.abort();
      await loop;
    },
  };
}
