import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled composition root, exactly what `npm start` runs (tools/railyard's launcher). */
export const PLANNING_MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

/** One planning process started from its built main, with its JSON log lines collected as they arrive. */
export interface PlanningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Parsed pino lines from stdout, each stamped with the time the test received it. */
  readonly logs: (Record<string, unknown> & { receivedAt: number })[];
  /** Resolves with the base URL once fastify logs that it listens. */
  readonly url: Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The receive time of the first log line with this message after `since` (ms epoch), if any. */
  loggedAt(msg: string, match?: Record<string, unknown>, since?: number): number | undefined;
}

/**
 * Starts `services/planning/dist/src/main.js` as a child process (PORT=0: fastify picks a port and logs it), the
 * way the launcher does. Fails with a clear message when the service is not built: run `npm run build` first.
 */
export function startPlanningProcess(name: string, env: Record<string, string>): PlanningProcess {
  if (!existsSync(PLANNING_MAIN)) throw new Error(`${PLANNING_MAIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [PLANNING_MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: PlanningProcess['logs'] = [];
  let resolveUrl!: (url: string) => void;
  const url = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // not a pino line (a warning from node itself): irrelevant here
      }
      logs.push({ ...entry, receivedAt: Date.now() });
      const listening = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(String(entry.msg));
      if (listening) resolveUrl(listening[1]!);
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  // A process that dies before it listens fails the test with its stderr instead of a timeout.
  void exited.then(({ code, signal }) => {
    if (!logs.some((l) => String(l.msg).startsWith('Server listening'))) {
      resolveUrl(`dead: ${name} exited (${signal ?? code}) before listening: ${stderr.slice(-2000)}`);
    }
  });
  return {
    name,
    child,
    logs,
    url: url.then((u) => {
      if (u.startsWith('dead:')) throw new Error(u);
      return u;
    }),
    exited,
    loggedAt(msg, match = {}, since = 0) {
      const hit = logs.find(
        (l) => l.msg === msg && l.receivedAt >= since && Object.entries(match).every(([k, v]) => l[k] === v),
      );
      return hit?.receivedAt;
    },
  };
}
