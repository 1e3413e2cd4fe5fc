import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type pg from 'pg';
import type { RequireCheck } from '../policies/policy-store.js';
import { actionListRoute } from './action-list/route.js';
import { addActionRoute } from './add-action/route.js';
import { addFeedbackRoute } from './add-feedback/route.js';
import { adoptItemRoute } from './adopt-item/route.js';
import { completeActionRoute } from './complete-action/route.js';
import { getRetrospectiveRoute } from './get-retrospective/route.js';
import { recordRetrospectiveRoute } from './record-retrospective/route.js';
import type { RetrospectiveCommands } from './retrospective-store.js';

/** The retrospectives capability (G5): blameless records, actions tracked to done, feedback, items adopted as checks. */
export async function registerRetrospectiveRoutes(
  app: App,
  deps: {
    store: EventStore;
    pool: pg.Pool;
    commands: RetrospectiveCommands;
    requireCheck: RequireCheck;
    incidentExists: (incidentId: string) => Promise<boolean>;
    now: () => Date;
  },
) {
  const { store, pool, commands, now } = deps;
  await app.register(recordRetrospectiveRoute, { commands, pool, incidentExists: deps.incidentExists, now });
  await app.register(getRetrospectiveRoute, { store, now });
  await app.register(addActionRoute, { commands, now });
  await app.register(completeActionRoute, { commands, now });
  await app.register(addFeedbackRoute, { commands, now });
  await app.register(adoptItemRoute, { store, commands, requireCheck: deps.requireCheck, now });
  await app.register(actionListRoute, { pool, now });
}
