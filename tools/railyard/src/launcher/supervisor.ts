import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { ServiceEntry } from './discover-services.js';
import { serviceEnv } from './launch-env.js';
import { createLinePrefixer, servicePrefix } from './line-prefixer.js';

/** How long the services get to drain and close after SIGTERM before they are killed. */
export const STOP_GRACE_MS = 10_000;

export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  log: (line: string) => void;
  /** Grace period after SIGTERM; tests shorten it. */
  graceMs?: number;
}

/**
 * Starts each service as a child of the same node binary and keeps them as one unit: when one exits on its
 * own, or `stop()` is called, the others get SIGTERM (SIGKILL after {@link STOP_GRACE_MS}). `done` resolves with the
 * launcher's exit code once every child is gone: 0 after a requested stop, 1 when a service died.
 */
export function superviseServices(services: readonly ServiceEntry[], options: SupervisorOptions) {
  const width = Math.max(...services.map((s) => s.name.length));
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  const running = new Map<string, ChildProcess>();
  let exitCode: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  function stop(code: number): void {
    if (exitCode !== undefined) {
      // A second request (e.g. Ctrl-C again) does not wait out the grace period.
      if (code === 0) for (const child of running.values()) child.kill('SIGKILL');
      return;
    }
    exitCode = code;
    for (const child of running.values()) child.kill('SIGTERM');
    killTimer = setTimeout(() => {
      for (const [name, child] of running) {
        options.log(`${name} did not stop within ${graceMs / 1000} s; killing it`);
        child.kill('SIGKILL');
      }
    }, graceMs);
    if (running.size === 0) finish();
  }

  function finish(): void {
    clearTimeout(killTimer);
    resolveDone(exitCode ?? 1);
  }

  for (const service of services) {
    const prefix = servicePrefix(service.name, width);
    const child = spawn(process.execPath, [service.main], {
      cwd: service.dir,
      env: serviceEnv(service.name, { ...options.env, ...service.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches only the launcher, which forwards one SIGTERM.
      // Otherwise the service would get the terminal's SIGINT and then ours, and take the second as "force".
      detached: true,
    });
    running.set(service.name, child);
    if (service.nice && child.pid !== undefined) {
      try {
        setPriority(child.pid, service.nice);
      } catch (error) {
        options.log(`${service.name}: could not set its niceness to ${service.nice}: ${(error as Error).message}`);
      }
    }
    const out = createLinePrefixer(prefix, options.stdout);
    const err = createLinePrefixer(prefix, options.stderr);
    child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    child.on('error', (error) => options.log(`${service.name} could not start: ${error.message}`));
    // 'close' comes after the child's output streams have ended, so no line is lost.
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      running.delete(service.name);
      if (exitCode === undefined) {
        options.log(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
        stop(1);
      } else if (running.size === 0) {
        finish();
      }
    });
  }

  return { done, stop: () => stop(0) };
}
