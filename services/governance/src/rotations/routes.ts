import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { addOverrideRoute } from './add-override/route.js';
import { defineRotationRoute } from './define-rotation/route.js';
import { onCallRoute } from './on-call/route.js';
import { eligibleMembersOf } from './rotation-eligibility.js';
import { rotationLedgerRoute } from './rotation-ledger/route.js';
import { createRotationHandler } from './rotation-store.js';

/** Deployment-lead rotations (G8): one line a slice. */
export async function registerRotationRoutes(app: App, deps: { store: EventStore; pool: pg.Pool; now: () => Date }) {
  const { store, pool, now } = deps;
  const rotations = createRotationHandler(store);
  const eligibleMembers = eligibleMembersOf(pool);
  await app.register(defineRotationRoute, { rotations, eligibleMembers, now });
  await app.register(addOverrideRoute, { store, rotations, eligibleMembers, now });
  await app.register(onCallRoute, { store, eligibleMembers, now });
  await app.register(rotationLedgerRoute, { store, pool, now });
}
