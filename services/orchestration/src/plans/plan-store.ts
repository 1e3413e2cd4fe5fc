import {
  type Actor,
  type EventCatalogue,
  notFound,
  OrchestrationErrorCodes,
  rolloutPlanEvents,
  rolloutPlanStream,
  serviceSchemaEvents,
  serviceSchemaStream,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { HttpProblem } from '@railyard/service-kit';
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
