import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { deploymentVerdictRoute } from './deployment-verdict/route.js';
import { getDoraRoute } from './get-dora/route.js';

/** The DORA capability (G1): figures per period and per deployment, read from the reporting facts. */
export async function registerDoraRoutes(app: App, deps: { pool: pg.Pool; now: () => Date }) {
  await app.register(getDoraRoute, deps);
  await app.register(deploymentVerdictRoute, deps);
}
