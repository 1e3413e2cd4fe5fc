import { rollbackDrillStream } from '@railyard/contracts';
import type { Logger } from '@railyard/service-kit';
import { type LeasedTicker, startLeasedTicker } from '@railyard/service-kit/backbone';
import type pg from 'pg';
import type { DrillHandler } from './drill-store.js';

export interface DrillScheduler {
  /** One pass: declares every passed due date overdue (once); resolves when done. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Declares rollback drills overdue on the service clock (G6). Single-active under the kit's advisory lease, a
 * standby taking over; the decider declares each due date once, so a pass repeated by a new holder appends nothing.
 * The candidates come from the drill-list projection; the decision is made on the stream itself.
 */
export function createDrillScheduler(deps: {
  pool: pg.Pool;
  drills: DrillHandler;
  now: () => Date;
  intervalMs: number;
  logger: Logger;
}): DrillScheduler {
  let ticker: LeasedTicker<void> | undefined;

  async function tick(at = deps.now()) {
    const { rows } = await deps.pool.query<{ service: string }>(
      `SELECT service FROM governance.rollback_drills
        WHERE next_due_at <= $1 AND overdue_due_at IS DISTINCT FROM next_due_at ORDER BY service`,
      [at],
    );
    for (const { service } of rows) {
      await deps.drills
        .handle(
          rollbackDrillStream(service),
          { type: 'DeclareDrillOverdue', service, at },
          {
            actor: { id: 'governance', kind: 'system', roles: [] },
            now: at,
            correlationId: `drill-overdue-${service}`,
          },
        )
        .catch((err) => deps.logger.warn({ err, service }, 'declaring a drill overdue failed'));
    }
  }

  return {
    tick: () => tick(),
    start() {
      ticker = startLeasedTicker({
        pool: deps.pool,
        leaseName: 'governance:drill-scheduler',
        name: 'drill scheduler',
        intervalMs: deps.intervalMs,
        now: deps.now,
        tick,
        logger: deps.logger,
      });
    },
    async stop() {
      await ticker?.stop();
    },
  };
}

/** Builds the scheduler for the runtime's parts: started at once with an interval, tick-only with false (tests). */
export function startDrillScheduler(
  ctx: { pool: pg.Pool; now: () => Date; logger: Logger; onClose(name: string, stop: () => Promise<unknown>): void },
  drills: DrillHandler,
  intervalMs: number | false = 60_000,
): DrillScheduler {
  const scheduler = createDrillScheduler({ ...ctx, drills, intervalMs: intervalMs || 60_000 });
  if (intervalMs !== false) {
    scheduler.start();
    ctx.onClose('drill scheduler', () => scheduler.stop());
  }
  return scheduler;
}
