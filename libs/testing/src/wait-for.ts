import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Asked before each check: a reason fails the wait at once (a child process that died will not get there). */
  giveUpIf?: () => string | null | undefined;
  /** Appended to the timeout's message: what the caller knows that explains it (a story so far, a process's output). */
  context?: () => string;
  /** Called before each check, e.g. to draw progress. */
  onAttempt?: () => void;
}

/**
 * Polls `check` every `intervalMs` until it returns a truthy value (returned), or fails with `what` (and the last
 * error `check` threw) after `timeoutMs`. Tests wait for a condition this way, never for a fixed time.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    const why = options.giveUpIf?.();
    if (why) throw new Error(`${what}: ${why}`);
    options.onAttempt?.();
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const context = options.context ? `\n${options.context()}` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${context}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}
