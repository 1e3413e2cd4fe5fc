import { runUnderLease } from '@railyard/eventstore';
import type pg from 'pg';
import type { Logger } from './logging.js';

export interface LeasedTickerStatus {
  /** This process holds the lease and runs the periodic passes. */
  active: boolean;
  /** The periodic loop was started (an interval was given) and not stopped. */
  running: boolean;
  /** Passes run by the loop (manual `tick()` calls not counted). */
  ticks: number;
  /** Passes of the loop that threw; each is logged and the next interval tries again. */
  failures: number;
}

export interface LeasedTicker<T> {
  /** One pass now, on this process, whether or not it holds the lease (tests, manual runs); rejects if it throws. */
  tick(): Promise<T>;
  /** Ends the loop: waits for the pass in flight, then releases the lease. Idempotent. */
  stop(): Promise<void>;
  status(): LeasedTickerStatus;
}

export interface LeasedTickerOptions<T> {
  pool: pg.Pool;
  /** The advisory lease's name: every replica ticking the same work uses the same one. */
  leaseName: string;
  /** Pause between passes; false runs no loop and takes no lease (only manual `tick()`). */
  intervalMs: number | false;
  /** One pass, at the service clock's instant. */
  tick: (at: Date) => Promise<T>;
  logger: Logger;
  /** The service clock (default: the wall clock). */
  now?: () => Date;
  /** Names the ticker in its log lines (default: the lease name). */
  name?: string;
  /** Lease tuning, passed to `runUnderLease` (standby poll, heartbeat, pause before competing again). */
  pollMs?: number;
  heartbeatMs?: number;
  retryDelayMs?: number;
}

/**
 * Runs `tick` every `intervalMs` while this process holds the advisory lease `leaseName` (DESIGN §1: single-active,
 * a standby taking over). A pass that throws is logged and the next interval tries again; a lost lease session
 * (a terminated backend, a dead network) ends the loop, and `runUnderLease` releases it and competes again on a
 * fresh session. The pass itself must be safe to repeat: a new holder may redo a pass the old one half did.
 */
export function startLeasedTicker<T>(options: LeasedTickerOptions<T>): LeasedTicker<T> {
  const { logger, intervalMs } = options;
  const name = options.name ?? options.leaseName;
  const now = options.now ?? (() => new Date());
  const state: LeasedTickerStatus = { active: false, running: intervalMs !== false, ticks: 0, failures: 0 };
  const tick = () => options.tick(now());
  const controller = new AbortController();
  const { signal } = controller;

  const loop =
    intervalMs === false
      ? Promise.resolve()
      : runUnderLease(
          options.pool,
          options.leaseName,
          {
            signal,
            pollMs: options.pollMs,
            heartbeatMs: options.heartbeatMs,
            retryDelayMs: options.retryDelayMs,
            onError: (err, phase) => logger.warn({ err, phase }, `${name} lease`),
          },
          async (lease) => {
            state.active = true;
            try {
              const stopOrLost = AbortSignal.any([signal, lease.lost]);
              while (!stopOrLost.aborted) {
                state.ticks++;
                await tick().catch((err) => {
                  state.failures++;
                  logger.warn({ err }, `${name} pass failed`);
                });
                await pauseUnless(intervalMs, stopOrLost);
              }
            } finally {
              state.active = false;
            }
          },
        );

  let stopped: Promise<void> | undefined;
  return {
    tick,
    stop() {
      stopped ??= (async () => {
        controller.abort();
        await loop;
        state.running = false;
      })();
      return stopped;
    },
    status: () => ({ ...state }),
  };
}

function pauseUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
