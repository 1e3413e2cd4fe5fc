import type { EventStore } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import { type App, type AppDeps, buildApp } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { acceptScopeItemRoute } from './releases/accept-scope-item/route.js';
import { acknowledgeCabConditionRoute } from './releases/acknowledge-cab-condition/route.js';
import { addScopeItemRoute } from './releases/add-scope-item/route.js';
import { attachComplianceRequirementRoute } from './releases/attach-compliance-requirement/route.js';
import { attachToSlotRoute } from './releases/attach-to-slot/route.js';
import { cabQueueRoute } from './releases/cab-queue/route.js';
import { castCabVoteRoute } from './releases/cast-cab-vote/route.js';
import { changeDependencyStatusRoute } from './releases/change-dependency-status/route.js';
import { complianceStatusRoute } from './releases/compliance-status/route.js';
import { decideFreezeExceptionRoute } from './releases/decide-freeze-exception/route.js';
import { declareDependencyRoute } from './releases/declare-dependency/route.js';
import { deferScopeItemRoute } from './releases/defer-scope-item/route.js';
import { dependencyBoardRoute } from './releases/dependency-board/route.js';
import { freezeExceptionLogRoute } from './releases/freeze-exception-log/route.js';
import { freezeReleaseRoute } from './releases/freeze-release/route.js';
import { getReleaseRoute } from './releases/get-release/route.js';
import { planReleaseRoute } from './releases/plan-release/route.js';
import { publishRollbackCriteriaRoute } from './releases/publish-rollback-criteria/route.js';
import type { ReleaseBoardsDb } from './releases/release-boards/projection.js';
import { releaseCalendarRoute } from './releases/release-calendar/route.js';
import { createReleaseCommands } from './releases/release-commands.js';
import { releaseLifecycleRoute } from './releases/release-lifecycle/route.js';
import type { ReleaseListDb } from './releases/release-list/projection.js';
import { releaseListRoute } from './releases/release-list/route.js';
import { removeScopeItemRoute } from './releases/remove-scope-item/route.js';
import { requestFreezeExceptionRoute } from './releases/request-freeze-exception/route.js';
import { reviewComplianceEvidenceRoute } from './releases/review-compliance-evidence/route.js';
import { setFreezeCutoffRoute } from './releases/set-freeze-cutoff/route.js';
import { submitComplianceEvidenceRoute } from './releases/submit-compliance-evidence/route.js';
import { submitForCabRoute } from './releases/submit-for-cab/route.js';
import { createRiskPolicyRoute } from './risk-policies/create-risk-policy/route.js';
import { getRiskPolicyRoute } from './risk-policies/get-risk-policy/route.js';
import { publishRiskPolicyVersionRoute } from './risk-policies/publish-risk-policy-version/route.js';
import { createRiskPolicyCommands } from './risk-policies/risk-policy-commands.js';
import { overdueDrillsOf } from './rollback-drills/overdue-drills.js';
import { createTrainRoute } from './trains/create-train/route.js';
import { getTrainRoute } from './trains/get-train/route.js';
import { createTrainCommands } from './trains/train-commands.js';
import { trainTeamsRoute } from './trains/train-teams/route.js';

export const SERVICE_NAME = 'planning';
export const SERVICE_VERSION = '0.1.0';

/** The planning schema's read-model tables. */
export type PlanningDb = ReleaseListDb & ReleaseBoardsDb;

export interface PlanningDeps extends Omit<AppDeps, 'serviceName' | 'version'> {
  store: EventStore;
  db: Kysely<PlanningDb>;
  releaseList: ProjectionRunner;
  /** The runner of the freeze-exception log, dependency board and compliance status. */
  boards: ProjectionRunner;
  now?: () => Date;
}

const RELEASE_ROUTES = [
  planReleaseRoute,
  getReleaseRoute,
  addScopeItemRoute,
  acceptScopeItemRoute,
  deferScopeItemRoute,
  removeScopeItemRoute,
  attachToSlotRoute,
  setFreezeCutoffRoute,
  freezeReleaseRoute,
  requestFreezeExceptionRoute,
  decideFreezeExceptionRoute,
  declareDependencyRoute,
  changeDependencyStatusRoute,
  attachComplianceRequirementRoute,
  submitComplianceEvidenceRoute,
  reviewComplianceEvidenceRoute,
  publishRollbackCriteriaRoute,
  submitForCabRoute,
  castCabVoteRoute,
  acknowledgeCabConditionRoute,
  releaseLifecycleRoute,
];

/** The planning service's HTTP API. Never listens: main() does, tests inject. */
export async function buildPlanningApp(deps: PlanningDeps): Promise<App> {
  const { store, db, releaseList, boards, now = () => new Date(), ...kit } = deps;
  const app = await buildApp({ ...kit, serviceName: SERVICE_NAME, version: SERVICE_VERSION });
  const releaseDeps = {
    commands: createReleaseCommands(store),
    store,
    now,
    overdueDrills: overdueDrillsOf(db as unknown as Kysely<unknown>),
  };
  for (const route of RELEASE_ROUTES) await app.register(route, releaseDeps);
  const trainDeps = { commands: createTrainCommands(store), store, now };
  for (const route of [createTrainRoute, getTrainRoute, trainTeamsRoute]) await app.register(route, trainDeps);
  const policyDeps = { commands: createRiskPolicyCommands(store), store, now };
  for (const route of [createRiskPolicyRoute, publishRiskPolicyVersionRoute, getRiskPolicyRoute]) {
    await app.register(route, policyDeps);
  }
  // Kysely's database type is invariant: each read model's routes see the planning schema through its own tables.
  const listDb = db as unknown as Kysely<ReleaseListDb>;
  await app.register(releaseListRoute, { db: listDb, runner: releaseList });
  await app.register(releaseCalendarRoute, { db: listDb, runner: releaseList, now });
  await app.register(cabQueueRoute, { db: listDb, runner: releaseList });
  for (const route of [freezeExceptionLogRoute, dependencyBoardRoute, complianceStatusRoute]) {
    await app.register(route, { db: db as unknown as Kysely<ReleaseBoardsDb>, runner: boards });
  }
  return app;
}
