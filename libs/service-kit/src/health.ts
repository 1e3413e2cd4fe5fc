import { ErrorCodes } from '@railyard/contracts';
import type { FastifyInstance } from 'fastify';
import { problemBody, sendProblem } from './problem.js';

/** A readiness check: resolves when the dependency answers, rejects (or outlasts the timeout) when it does not. */
export type ReadinessCheck = () => Promise<void>;

interface CheckResult {
  status: 'ok' | 'failing';
  durationMs: number;
  reason?: 'error' | 'timeout';
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult & { error?: unknown }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
    const durationMs = Math.round(performance.now() - started);
    return outcome === 'ok' ? { status: 'ok', durationMs } : { status: 'failing', durationMs, reason: 'timeout' };
  } catch (error) {
    return { status: 'failing', durationMs: Math.round(performance.now() - started), reason: 'error', error };
  } finally {
    clearTimeout(timer);
  }
}

/** What the infrastructure's checks are called in a sentence: the operator reading the 503 learns what is down. */
const DEPENDENCY_LABELS: Record<string, string> = {
  store: 'the event store',
  nats: 'NATS (the bus)',
  postgres: 'Postgres (read models, inbox, relay checkpoints)',
};

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (every dependency answers within the timeout).
 * A failing check is logged with its error but reported by name only: readiness is public and must not leak.
 */
export function installHealth(
  app: FastifyInstance,
  checks: Record<string, ReadinessCheck>,
  options: { serviceName: string; version: string; timeoutMs?: number },
) {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const routeConfig = { public: true, otel: false } as const;
  app.get('/health/live', { schema: { hide: true }, config: routeConfig }, async () => ({
    status: 'live',
    service: options.serviceName,
    version: options.version,
  }));
  app.get('/health/ready', { schema: { hide: true }, config: routeConfig }, async (request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
    const report: Record<string, CheckResult> = {};
    const failing: string[] = [];
    results.forEach(({ error, ...result }, i) => {
      const name = names[i]!;
      report[name] = result;
      if (result.status === 'failing') {
        failing.push(name);
        request.log.warn({ check: name, reason: result.reason, err: error }, 'readiness check failing');
      }
    });
    if (failing.length === 0) return { status: 'ready', checks: report };
    const detail = `Not ready: ${failing.map((name) => DEPENDENCY_LABELS[name] ?? name).join(', ')} unavailable.`;
    return sendProblem(reply, problemBody(503, ErrorCodes.NOT_READY, detail, request.url, { failing, checks: report }));
  });
}
