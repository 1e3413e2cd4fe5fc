import { rotationStream } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import { type LeasedTicker, startLeasedTicker } from '@railyard/service-kit/backbone';
import type pg from 'pg';
import { eligibilityInstant } from './domain/rotation-schedule.js';
import type { EligibleMembers } from './rotation-eligibility.js';
import { loadRotation, type RotationHandler } from './rotation-store.js';

export interface RotationScheduler {
  /** One pass: announces the stretch of on-call in progress in every rotation, where not announced yet. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Appends RotationTurnStarted as turns (and overrides) begin, on the service clock (G8). Single-active under the
 * kit's advisory lease; the decider announces a stretch once, so a pass repeated by a new holder appends nothing.
 * The rotations come from the store's own `rotation` category.
 */
export function createRotationScheduler(deps: {
  store: EventStore;
  pool: pg.Pool;
  rotations: RotationHandler;
  eligibleMembers: EligibleMembers;
  now: () => Date;
  intervalMs: number;
  logger: Logger;
}): RotationScheduler {
  let ticker: LeasedTicker<void> | undefined;

  async function rotationIds(): Promise<string[]> {
    // Definitions only (a handful): read in pages from the store's own `rotation` category.
    const ids = new Set<string>();
    let after: bigint | undefined;
    for (;;) {
      const page = await deps.store.readAll({
        after,
        limit: 500,
        filter: { categories: ['rotation'], eventTypes: ['RotationDefined'] },
      });
      for (const e of page) ids.add((e.data as { rotationId: string }).rotationId);
      if (page.length < 500) return [...ids];
      after = page.at(-1)?.position;
    }
  }

  async function tick(at = deps.now()) {
    for (const id of await rotationIds()) {
      try {
        const r = (await loadRotation(deps.store, id)).state.rotation;
        if (!r) continue;
        const turnStart = eligibilityInstant(r, at);
        if (!turnStart || turnStart > at) continue;
        const eligible = await deps.eligibleMembers(r.environment, r.members, turnStart);
        await deps.rotations.handle(
          rotationStream(id),
          { type: 'StartTurn', eligible, actor: 'governance', at },
          { actor: { id: 'governance', kind: 'system', roles: [] }, now: at, correlationId: `rotation-turn-${id}` },
        );
      } catch (err) {
        deps.logger.warn({ err, rotationId: id }, 'announcing a rotation turn failed');
      }
    }
  }

  return {
    tick: () => tick(),
    start() {
      ticker = startLeasedTicker({
        pool: deps.pool,
        leaseName: 'governance:rotation-scheduler',
        name: 'rotation scheduler',
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
export function startRotationScheduler(
  ctx: {
    store: EventStore;
    pool: pg.Pool;
    now: () => Date;
    logger: Logger;
    onClose(name: string, stop: () => Promise<unknown>): void;
  },
  rotations: RotationHandler,
  eligibleMembers: EligibleMembers,
  intervalMs: number | false = 60_000,
): RotationScheduler {
  const scheduler = createRotationScheduler({ ...ctx, rotations, eligibleMembers, intervalMs: intervalMs || 60_000 });
  if (intervalMs !== false) {
    scheduler.start();
    ctx.onClose('rotation scheduler', () => scheduler.stop());
  }
  return scheduler;
}
