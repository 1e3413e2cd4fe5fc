import type { Logger } from '@railyard/service-kit';
import { v7 as uuidv7 } from 'uuid';
import { type SweeperDeps, sweepExpired } from './sweeper.js';

/** The actor the scheduled sweeps record: the service itself, acting under the retention policy. */
const RETENTION_ACTOR = { id: 'artifact-retention', kind: 'system' as const, roles: ['admin'] };

/**
 * Runs a sweep every `intervalMs` (never two at once in this process; replicas may overlap safely, see
 * sweepExpired). Failures are logged and retried at the next tick.
 */
export function startSweeper(
  deps: SweeperDeps,
  options: { intervalMs: number; logger: Logger; now: () => Date },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    const correlationId = `retention-sweep-${uuidv7()}`;
    running = sweepExpired(deps, { actor: RETENTION_ACTOR, now: options.now(), correlationId })
      .then(({ swept, skipped }) => {
        if (swept.length + skipped.length > 0) {
          options.logger.info({ correlationId, swept: swept.length, skipped: skipped.length }, 'retention sweep');
        }
      })
      .catch((err) => options.logger.warn({ err, correlationId }, 'retention sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
