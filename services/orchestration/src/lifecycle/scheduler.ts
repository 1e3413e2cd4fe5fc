import type { Actor } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';

/** The scheduler acts as this system actor: its events say no person did it. */
export const SCHEDULER_ACTOR: Actor = { id: 'orchestration-scheduler', kind: 'system', roles: [] };

export interface LifecycleScheduler {
  /** One pass at the clock's current time; returns how many events it appended. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * What the scheduler asks of the other capabilities, handed over by the composition root so this module imports
 * none of them: where something may be due (from the read models), and the commands that decide it.
 */
export interface LifecycleWork {
  /** Environments that may have expired or whose recreate cron may be due at `at`. */
  dueEnvironments(at: Date): Promise<string[]>;
  /** Environments with confirmed or queued bookings that ended by `at`. */
  endedBookings(at: Date): Promise<string[]>;
  /** The environment aggregate's Tick; returns the events appended. */
  tickEnvironment(name: string, at: Date, ctx: CommandContext): Promise<number>;
  /** The booking calendar's ExpireBookings; returns the events appended. */
  expireBookings(environment: string, at: Date, ctx: CommandContext): Promise<number>;
}

/**
 * E4's scheduler: on every pass it sends each candidate environment a Tick (TTL teardown, due recreates) and each
 * booking calendar with ended bookings an ExpireBookings. Candidates come from the read models; the decision is
 * the deciders' on the folded streams, so a stale row costs a no-op, never a wrong event, and two replicas racing
 * append once. Time comes from the injected clock, so tests move the clock instead of waiting.
 */
export function createLifecycleScheduler(deps: {
  work: LifecycleWork;
  now: () => Date;
  intervalMs: number;
  logger: Logger;
}): LifecycleScheduler {
  const { work, now, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const at = now();
    const ctx: CommandContext = { actor: SCHEDULER_ACTOR, now: at, correlationId: `lifecycle-${at.toISOString()}` };
    let appended = 0;
    for (const name of await work.dueEnvironments(at)) appended += await work.tickEnvironment(name, at, ctx);
    for (const environment of await work.endedBookings(at)) appended += await work.expireBookings(environment, at, ctx);
    return appended;
  }

  const tick = () => {
    // One pass at a time: an interval firing during a slow pass joins it instead of racing it.
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => logger.warn({ err }, 'lifecycle scheduler pass failed'));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
