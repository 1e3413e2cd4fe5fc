import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ServiceEntry {
  /** The folder name under services/, used as the log prefix. */
  name: string;
  dir: string;
  /** The compiled composition root: the package.json `main`, else dist/main.js. */
  main: string;
  /** Variables set for this process under the launcher's own (a role, a port), before `<NAME>_PORT` applies. */
  env?: Record<string, string>;
  /** Scheduling niceness of the process (0–19: higher yields the CPU to the others); default 0. */
  nice?: number;
}

/** How `npm start` runs a service's background work (`RAILYARD_WORKERS`). */
export type WorkerPlacement = 'inline' | 'separate';

/** The niceness of worker processes when `RAILYARD_WORKER_NICE` is not set. */
export const DEFAULT_WORKER_NICE = 10;

/**
 * The processes to start. `inline` (the default): one per service, running its HTTP API and its background work.
 * `separate`: two per service, `<name>` with `RAILYARD_ROLE=web` on the service's port, and `<name>-worker` with
 * `RAILYARD_ROLE=worker` (the relay, projections, durable consumers and sealer) on `<NAME>_WORKER_PORT` (default 0: a
 * free port, logged at start), at `nice` so that under saturation the API's requests get the CPU first and the read
 * models and the bus fall behind, then catch up, instead of the other way round.
 */
export function processesOf(
  services: readonly ServiceEntry[],
  placement: WorkerPlacement,
  nice: number,
): ServiceEntry[] {
  if (placement === 'inline') return [...services];
  return services.flatMap((service): ServiceEntry[] => [
    { ...service, env: { RAILYARD_ROLE: 'web' } },
    { ...service, name: `${service.name}-worker`, env: { RAILYARD_ROLE: 'worker', PORT: '0' }, nice },
  ]);
}

/** Reads `RAILYARD_WORKERS` and `RAILYARD_WORKER_NICE`; throws naming the variable when one is malformed. */
export function workerPlacementOf(env: NodeJS.ProcessEnv): { placement: WorkerPlacement; nice: number } {
  const placement = (env.RAILYARD_WORKERS ?? '').trim() || 'inline';
  if (placement !== 'inline' && placement !== 'separate') {
    throw new Error(`RAILYARD_WORKERS must be inline or separate, not "${placement}"`);
  }
  const niceText = (env.RAILYARD_WORKER_NICE ?? '').trim();
  const nice = niceText === '' ? DEFAULT_WORKER_NICE : Number(niceText);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new Error(`RAILYARD_WORKER_NICE must be an integer from 0 to 19, not "${niceText}"`);
  }
  return { placement, nice };
}

/**
 * The services that can be started: every services/<name>/ holding a package.json and its built composition root
 * (the package's `main`, default dist/main.js), in name order. One not built yet is skipped.
 */
export function discoverServices(repoRoot: string): ServiceEntry[] {
  const servicesDir = path.join(repoRoot, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = path.join(servicesDir, entry.name);
      const manifest = path.join(dir, 'package.json');
      if (!existsSync(manifest)) return undefined;
      const { main } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
      return { name: entry.name, dir, main: path.join(dir, main ?? path.join('dist', 'main.js')) };
    })
    .filter((s): s is ServiceEntry => s !== undefined && existsSync(s.main))
    .sort((a, b) => a.name.localeCompare(b.name));
}
