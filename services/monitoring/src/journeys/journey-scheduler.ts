import type { Actor } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import type pg from 'pg';
import { loadJourney } from './journey-commands.js';
import { runJourney } from './journey-runner.js';

const ACTOR: Actor = { id: 'monitoring-journeys', kind: 'system', roles: [] };

export interface JourneyScheduler {
  /** One pass: runs every scheduled journey whose period has passed since its last scheduled run here. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs journeys that have `everySeconds` on their schedule (M1). The last run times are this process's: a restart
 * runs each scheduled journey once at its first pass. Runs are recorded with `trigger: schedule`.
 */
export function createJourneyScheduler(deps: {
  store: EventStore;
  pool: pg.Pool;
  now: () => Date;
  tickMs: number;
  logger: Logger;
}): JourneyScheduler {
  const lastRun = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const at = deps.now();
    const { rows } = await deps.pool.query<{ name: string; every_seconds: number }>(
      'SELECT name, every_seconds FROM monitoring.journey_index WHERE every_seconds IS NOT NULL ORDER BY name',
    );
    let ran = 0;
    for (const { name, every_seconds } of rows) {
      const last = lastRun.get(name);
      if (last !== undefined && at.getTime() - last < every_seconds * 1000) continue;
      lastRun.set(name, at.getTime());
      try {
        const { state } = await loadJourney(deps.store, name);
        if (!state.exists) continue;
        const ctx = { actor: ACTOR, now: at, correlationId: `journey-schedule-${at.toISOString()}` };
        await runJourney(deps.store, name, state.definition, ctx, { kind: 'schedule', deploymentId: null });
        ran++;
      } catch (err) {
        deps.logger.warn({ err, journey: name }, 'scheduled journey run failed');
      }
    }
    return ran;
  }

  const tick = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => deps.logger.warn({ err }, 'journey schedule pass failed'));
      }, deps.tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
