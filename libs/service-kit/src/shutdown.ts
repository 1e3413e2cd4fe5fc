import type { Logger } from './logging.js';
import { shutdownTelemetry } from './telemetry.js';

/** Registers a resource's close function; on shutdown they run in reverse order of registration. */
export type OnShutdown = (name: string, close: () => Promise<unknown> | unknown) => void;

export interface RunServiceOptions {
  name: string;
  logger: Logger;
  /** Opens resources (registering each close with onShutdown) and starts listening. */
  start: (onShutdown: OnShutdown) => Promise<void>;
  /** How long a graceful shutdown may take before the process is forced out (default 10 s). */
  shutdownTimeoutMs?: number;
  signals?: NodeJS.Signals[];
  /** Replaced in tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

/**
 * Runs a service: starts it, and on SIGINT/SIGTERM closes what it opened in reverse order (the HTTP server first
 * when it was opened last, so no request arrives at a closed pool), flushes telemetry and exits 0. A second
 * signal, a failing start or a shutdown past its timeout exits 1.
 * Resolves with a function that triggers the same shutdown (useful in tests).
 */
export async function runService(options: RunServiceOptions): Promise<() => Promise<void>> {
  const { logger, name } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const closers: { name: string; close: () => Promise<unknown> | unknown }[] = [];
  let stopping: Promise<void> | undefined;

  async function closeAll(): Promise<boolean> {
    let clean = true;
    for (const closer of closers.reverse()) {
      try {
        await closer.close();
        logger.info({ resource: closer.name }, 'closed');
      } catch (err) {
        clean = false;
        logger.error({ err, resource: closer.name }, 'close failed');
      }
    }
    try {
      await shutdownTelemetry();
    } catch (err) {
      clean = false;
      logger.error({ err }, 'telemetry shutdown failed');
    }
    return clean;
  }

  function stop(reason: string): Promise<void> {
    if (stopping) return stopping;
    logger.info({ service: name, reason }, 'shutting down');
    const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      logger.error({ service: name, timeoutMs }, 'shutdown timed out; forcing exit');
      exit(1);
    }, timeoutMs);
    timer.unref();
    stopping = closeAll().then((clean) => {
      clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
      logger.info({ service: name, clean }, 'stopped');
      exit(clean ? 0 : 1);
    });
    return stopping;
  }

  function onSignal(signal: NodeJS.Signals) {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting now');
      exit(1);
      return;
    }
    void stop(signal);
  }
  for (const signal of signals) process.on(signal, onSignal);

  try {
    await options.start((resource, close) => closers.push({ name: resource, close }));
    logger.info({ service: name }, 'started');
  } catch (err) {
    logger.fatal({ err, service: name }, 'start failed');
    for (const signal of signals) process.off(signal, onSignal);
    await closeAll();
    exit(1);
  }
  return () => stop('requested');
}

/** A stack of named close functions: `close()` runs them newest first and logs each. */
export function createClosers(logger: Pick<Logger, 'info'>) {
  const stack: { name: string; close: () => Promise<unknown> | unknown }[] = [];
  return {
    add(name: string, close: () => Promise<unknown> | unknown): void {
      stack.push({ name, close });
    },
    async close(): Promise<void> {
      while (stack.length > 0) {
        const { name, close } = stack.pop()!;
        await close();
        logger.info({ resource: name }, 'closed');
      }
    },
  };
}
