import {
  type Actor,
  type EventCatalogue,
  notFound,
  OrchestrationErrorCodes,
  type Privilege,
  rolloutPlanEvents,
  rolloutPlanStream,
  serviceSchemaEvents,
  serviceSchemaStream,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { HttpProblem } from '@railyard/service-kit';
import { v5 as uuidv5 } from 'uuid';
import { type GrantLedger, requireGrant } from '../grants/grant-ledger.js';
import { planDecider } from './domain/plan.decide.js';
import { actsAsLead, type Plan } from './domain/plan.js';
import { type SchemaState, schemaDecider } from './domain/schema.js';

export const planCatalogue = rolloutPlanEvents as unknown as EventCatalogue;
export const schemaCatalogue = serviceSchemaEvents as unknown as EventCatalogue;

/** The rollout plan aggregate's command handler (`rolloutPlan-<id>`). */
export const createPlanCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: planDecider, catalogue: planCatalogue });
export type PlanCommands = ReturnType<typeof createPlanCommands>;

/** The service schema aggregate's command handler (`serviceSchema-<service>`). */
export const createSchemaCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: schemaDecider, catalogue: schemaCatalogue });
export type SchemaCommands = ReturnType<typeof createSchemaCommands>;

// Namespace of plan ids (RFC 9562 name-based UUIDs): the n-th plan of a release has a known id.
const PLAN_NAMESPACE = '3c9f0a52-58a4-4d0e-9a0b-6f4e1c2d7b11';
/** How many plans one release may have (re-plans after an abort or a rollback). */
export const MAX_PLANS_PER_RELEASE = 50;

/**
 * The id of a release's n-th plan. Plans are numbered per release so that a release's plans are found by reading
 * their streams (read-your-write), never through a projection that may lag: a deployment requested the moment
 * after its plan was created is admitted by that plan.
 */
export const planIdFor = (releaseId: string, n: number) => uuidv5(`${releaseId}/${n}`, PLAN_NAMESPACE);

/** A release's plans, oldest first, each folded from its stream. */
export async function loadReleasePlans(store: EventStore, releaseId: string): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (let n = 0; n < MAX_PLANS_PER_RELEASE; n++) {
    const loaded = await loadAggregate(store, planDecider, planCatalogue, rolloutPlanStream(planIdFor(releaseId, n)));
    if (!loaded.state.exists) break;
    plans.push(loaded.state);
  }
  return plans;
}

/** The plan folded from its stream, or 404 ORCHESTRATION_PLAN_NOT_FOUND. */
export async function loadPlan(store: EventStore, planId: string): Promise<{ plan: Plan; revision: bigint }> {
  const loaded = await loadAggregate(store, planDecider, planCatalogue, rolloutPlanStream(planId));
  if (!loaded.state.exists) throw notFound(OrchestrationErrorCodes.PLAN_NOT_FOUND, `No rollout plan ${planId}.`);
  return { plan: loaded.state, revision: loaded.revision };
}

export async function loadSchema(store: EventStore, service: string): Promise<SchemaState> {
  return (await loadAggregate(store, schemaDecider, schemaCatalogue, serviceSchemaStream(service))).state;
}

/** The schemas of every service of a plan, by service. */
export async function loadSchemas(store: EventStore, plan: Plan): Promise<Record<string, SchemaState>> {
  const entries = await Promise.all(plan.services.map(async (s) => [s.service, await loadSchema(store, s.service)]));
  return Object.fromEntries(entries);
}

/** 403 unless the actor is the plan's lead or an admin (O6). */
export function assertLead(plan: Plan, actor: Actor, what: string): void {
  if (!actsAsLead(plan, actor)) {
    throw new HttpProblem(
      403,
      OrchestrationErrorCodes.PLAN_NOT_LEAD,
      `Only the plan's lead (${plan.lead}) or an admin may ${what}.`,
      { lead: plan.lead },
    );
  }
}

/**
 * 403 ORCHESTRATION_GRANT_REQUIRED unless the actor holds one of `privileges` on every prod-tier environment of the
 * plan, now (G2): being the named lead, or an admin, is not enough there.
 */
export async function assertPlanGrant(
  grants: GrantLedger,
  plan: Plan,
  actor: Actor,
  privileges: readonly Privilege[],
  at: Date,
  what: string,
): Promise<void> {
  for (const environment of plan.environments) {
    await requireGrant(grants, { principal: actor.id, privileges, environment, at }, what);
  }
}
