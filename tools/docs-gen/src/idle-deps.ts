import { createDb, type ProjectionRunner } from '@railyard/readmodels';
import type { App } from '@railyard/service-kit';

/** Any call means the docs build touched a service's runtime: it only reads route schemas. */
export const unused = (what: string) => () => {
  throw new Error(`docs generation runs no service (${what} was called)`);
};

/** Stands in for a dependency the app only keeps for its handlers: every property access is a call that throws. */
export const untouched = <T>(what: string): T =>
  new Proxy({}, { get: (_target, key) => unused(`${what}.${String(key)}`) }) as T;

/** A ProjectionRunner that is never started or asked anything: apps only keep one for their list routes. */
export function idleRunner(name: string): ProjectionRunner {
  return {
    name,
    start: unused(`${name}.start`),
    stop: unused(`${name}.stop`),
    isActive: () => false,
    status: () => ({ state: 'stopped' }),
    position: unused(`${name}.position`),
    lag: unused(`${name}.lag`),
    waitFor: unused(`${name}.waitFor`),
  };
}

/** A Kysely over a pool that never connects: pg connects lazily, and no request is served. */
export const neverConnectedDb = <DB>() =>
  createDb<DB>('postgres://docs-gen.invalid:5432/never-connected', { maxConnections: 1 });

/** The OpenAPI document of a built app; closes the app and its idle db afterwards. */
export async function openApiOf(app: App, db: { destroy(): Promise<void> }): Promise<Record<string, unknown>> {
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.destroy();
  }
}
