import {
  DomainError,
  EnvironmentName,
  invalid,
  OrchestrationErrorCodes,
  PlanFlag,
  PlannedService,
  Runbook,
  rolloutPlanStream,
  ruleViolated,
} from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { OnCallLead } from '../../on-call/on-call-lead.js';
import type { Plan } from '../domain/plan.js';
import type { PlanFlagSwitches } from '../flag-switches.js';
import type { PlanRouteDeps } from '../plan-routes-deps.js';
import { loadSchemas, MAX_PLANS_PER_RELEASE, planIdFor } from '../plan-store.js';
import { PlanView, planView } from '../plan-view.js';

const Body = z.strictObject({
  releaseId: z.uuid(),
  environments: z.array(EnvironmentName).min(1).max(20).describe('Registered environments, deployed in this order.'),
  services: z.array(PlannedService).min(1).max(200),
  lead: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The deployment lead (default: governance's rotation on call for the plan's last environment now)."),
  escalation: z.array(z.string().min(1).max(200)).max(20).describe('Asked in turn when the lead does not answer.'),
  ackTimeoutMinutes: z.number().int().min(1).max(1440),
  runbook: Runbook.optional(),
  flags: z.array(PlanFlag).max(100).optional(),
  reason: z.string().max(2000).default(''),
});

export interface CreatePlanDeps extends PlanRouteDeps {
  environmentExists(name: string): Promise<boolean>;
  /** Services orchestration knows: those of its environments, and those it has seen deployed. */
  knownServices(): Promise<Set<string>>;
  flags: PlanFlagSwitches;
  /** Who is on call for an environment now (governance's rotations, G8); without it the creator leads. */
  onCallLead?: OnCallLead;
}

/** POST /plans — a release's rollout plan, its waves derived from the API contract graph (O1). */
export const createPlanRoute: FastifyPluginAsyncZod<CreatePlanDeps> = async (app, deps) => {
  app.post(
    '/plans',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Create a rollout plan',
        description:
          'Waves come from the API contracts: a provider goes before the consumers that need its new version. A cycle, a range no provider satisfies, an unknown environment, service or flag, or a runbook naming anything outside the plan is refused and nothing is recorded.',
        tags: ['plans'],
        body: Body,
        response: { 201: PlanView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const body = request.body;
      const unknownEnvs = [];
      for (const e of body.environments) if (!(await deps.environmentExists(e))) unknownEnvs.push(e);
      if (unknownEnvs.length > 0) {
        throw invalid(
          OrchestrationErrorCodes.PLAN_ENVIRONMENT_UNKNOWN,
          `Unknown environments: ${unknownEnvs.join(', ')}.`,
          {
            environments: unknownEnvs,
          },
        );
      }
      const known = await deps.knownServices();
      const unknownServices = body.services.map((s) => s.service).filter((s) => !known.has(s));
      if (unknownServices.length > 0) {
        throw invalid(
          OrchestrationErrorCodes.PLAN_SERVICE_UNKNOWN,
          `Unknown services: ${unknownServices.join(', ')} (a service is known once an environment runs it or it was deployed).`,
          { services: unknownServices },
        );
      }
      const flags = body.flags ?? [];
      const missing = [];
      for (const f of flags) if (!(await deps.flags.exists(f.key))) missing.push(f.key);
      if (missing.length > 0) {
        throw invalid(OrchestrationErrorCodes.PLAN_FLAG_UNKNOWN, `Unknown flags: ${missing.join(', ')}.`, {
          flags: missing,
        });
      }
      const lead = body.lead ?? (await leadOnCall(deps, body.environments, ctx.now, ctx.actor.id));
      // The release's next plan number: an existing plan refuses the create and the next number is tried; a retried
      // Idempotency-Key finds its first result on the stream it created and is replayed there.
      let result: Awaited<ReturnType<typeof deps.commands.handle>> | undefined;
      for (let n = 0; n < MAX_PLANS_PER_RELEASE && !result; n++) {
        const planId = planIdFor(body.releaseId, n);
        try {
          result = await deps.commands.handle(
            rolloutPlanStream(planId),
            {
              type: 'CreatePlan',
              planId,
              releaseId: body.releaseId,
              environments: body.environments,
              services: body.services,
              lead,
              escalation: body.escalation,
              ackTimeoutMinutes: body.ackTimeoutMinutes,
              runbook: body.runbook ?? null,
              flags,
              reason: body.reason,
              actor: ctx.actor,
              at: ctx.now,
            },
            ctx,
          );
        } catch (error) {
          if (!(error instanceof DomainError && error.code === OrchestrationErrorCodes.PLAN_EXISTS)) throw error;
        }
      }
      if (!result) {
        throw ruleViolated(
          OrchestrationErrorCodes.PLAN_STATE_CONFLICT,
          `The release already has ${MAX_PLANS_PER_RELEASE} rollout plans.`,
        );
      }
      const plan = result.state as Plan;
      return reply
        .code(201)
        .header('location', `/plans/${plan.planId}`)
        .header('etag', etagOf(result.revision))
        .send(planView(plan, result.revision, await loadSchemas(deps.store, plan)));
    },
  );
};

/**
 * A plan naming no lead is led by whoever is on call for its last environment (the plan deploys in order, so the last
 * one is its production end) at creation. No turn known there: refused, rather than silently led by the creator.
 */
async function leadOnCall(deps: CreatePlanDeps, environments: string[], now: Date, creator: string): Promise<string> {
  if (!deps.onCallLead) return creator;
  const environment = environments.at(-1) as string;
  const principal = await deps.onCallLead(environment, now);
  if (!principal) {
    throw ruleViolated(
      OrchestrationErrorCodes.PLAN_NO_ON_CALL_LEAD,
      `No lead named and nobody on call for ${environment}: name a lead or define a rotation for it in governance.`,
      { environment },
    );
  }
  return principal;
}
