import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import { diffPolicyVersionsRoute } from './diff-policy-versions/route.js';
import { governedReleasesRoute } from './governed-releases/route.js';
import type { PolicyCommands } from './policy-store.js';
import { policyVersionsRoute } from './policy-versions/route.js';
import { publishPolicyVersionRoute } from './publish-policy-version/route.js';

/** The deployment policies capability (G3): versions with reasons, their diffs, the releases each governed. */
export async function registerPolicyRoutes(
  app: App,
  deps: { store: EventStore; pool: pg.Pool; commands: PolicyCommands; now: () => Date },
) {
  await app.register(publishPolicyVersionRoute, { commands: deps.commands, now: deps.now });
  await app.register(policyVersionsRoute, { store: deps.store });
  await app.register(diffPolicyVersionsRoute, { store: deps.store });
  await app.register(governedReleasesRoute, { store: deps.store, pool: deps.pool });
}
