import { describe, expect, it } from 'vitest';
import { runService } from './shutdown.js';
import { captureLogger, testApp } from './test-support/test-app.js';

/** Runs a service whose exit is recorded instead of ending the test process. */
function harness() {
  const { logger, lines } = captureLogger();
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const exitedOnce = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const exit = (code: number) => {
    exits.push(code);
    exited(code);
  };
  return { logger, lines, exits, exit, exitedOnce };
}

describe('runService', () => {
  it('on SIGTERM closes resources in reverse order and exits 0', async () => {
    const h = harness();
    const closed: string[] = [];
    await runService({
      name: 'svc',
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
      start: async (onShutdown) => {
        onShutdown('db', async () => closed.push('db'));
        onShutdown('bus', () => closed.push('bus'));
        onShutdown('http', async () => closed.push('http'));
      },
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(await h.exitedOnce).toBe(0);
    expect(closed).toEqual(['http', 'bus', 'db']);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('a second signal forces exit 1 while the first shutdown is still closing', async () => {
    const h = harness();
    let release!: () => void;
    let closing!: () => void;
    const closingStarted = new Promise<void>((resolve) => {
      closing = resolve;
    });
    await runService({
      name: 'svc',
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
      start: async (onShutdown) => {
        onShutdown('slow', () => {
          closing();
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        });
      },
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await closingStarted;
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(h.exits).toEqual([1]);
    release();
    await new Promise<void>((resolve) => {
      const poll = () => (h.exits.length === 2 ? resolve() : setImmediate(poll));
      poll();
    });
    expect(h.exits).toEqual([1, 0]);
  });

  it('a failing start closes what was opened and exits 1', async () => {
    const h = harness();
    const closed: string[] = [];
    await runService({
      name: 'svc',
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
      start: async (onShutdown) => {
        onShutdown('db', () => closed.push('db'));
        throw new Error('port in use');
      },
    });
    expect(await h.exitedOnce).toBe(1);
    expect(closed).toEqual(['db']);
    expect(h.lines.some((l) => l.msg === 'start failed')).toBe(true);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('a failing close is logged, the others still run, and the exit code is 1', async () => {
    const h = harness();
    const closed: string[] = [];
    const stop = await runService({
      name: 'svc',
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
      start: async (onShutdown) => {
        onShutdown('db', () => closed.push('db'));
        onShutdown('bus', () => {
          throw new Error('already closed');
        });
      },
    });
    await stop();
    expect(h.exits).toEqual([1]);
    expect(closed).toEqual(['db']);
    expect(h.lines.some((l) => l.msg === 'close failed' && l.resource === 'bus')).toBe(true);
  });

  it('stops a listening app: it answered before, and refuses connections after', async () => {
    const h = harness();
    let url = '';
    const stop = await runService({
      name: 'svc',
      logger: h.logger,
      exit: h.exit,
      signals: ['SIGUSR2'],
      start: async (onShutdown) => {
        const app = await testApp();
        onShutdown('http', () => app.close());
        url = await app.listen({ host: '127.0.0.1', port: 0 });
      },
    });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    await stop();
    expect(h.exits).toEqual([0]);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
