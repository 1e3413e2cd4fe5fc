import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { drillListRoute } from './drill-list/route.js';
import { createDrillHandler } from './drill-store.js';
import { recordDrillRoute } from './record-drill/route.js';
import { scheduleDrillsRoute } from './schedule-drills/route.js';
import { serviceDrillsRoute } from './service-drills/route.js';

/** Rollback drills (G6/R2): one line a slice. */
export async function registerDrillRoutes(app: App, deps: { store: EventStore; pool: pg.Pool; now: () => Date }) {
  const drills = createDrillHandler(deps.store);
  await app.register(scheduleDrillsRoute, { drills, now: deps.now });
  await app.register(recordDrillRoute, { drills, now: deps.now });
  await app.register(drillListRoute, { pool: deps.pool, now: deps.now });
  await app.register(serviceDrillsRoute, { store: deps.store, now: deps.now });
}
