import { PlanFlag, PlannedService, PlanRollbackStep, Runbook, RunbookStep } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { openStage, type Plan, stageCount, stageOf } from './domain/plan.js';
import type { SchemaState } from './domain/schema.js';

export const PlanParams = z.strictObject({ id: z.uuid() });

const WaveView = z.object({
  stage: z.number().int(),
  environment: z.string(),
  wave: z.number().int().describe('1-based.'),
  services: z.array(z.string()),
  state: z.enum(['pending', 'open', 'failed', 'completed']),
});
const MigrationView = z.object({
  service: z.string(),
  migrationId: z.string(),
  sequence: z.number().int(),
  kind: z.enum(['expand', 'migrate', 'contract']),
  compatibleWith: z.string(),
  consumers: z.array(z.string()),
  irreversible: z.boolean(),
  down: z.string().nullable(),
  applied: z.record(z.string(), z.boolean()).describe('Per environment: whether it is applied now.'),
});
export const PlanView = schemaComponent(
  'Plan',
  z.object({
    planId: z.uuid(),
    releaseId: z.uuid(),
    status: z.enum([
      'planned',
      'running',
      'paused',
      'awaiting-runbook',
      'completed',
      'aborted',
      'rolling-back',
      'rolled-back',
    ]),
    lead: z.string(),
    escalation: z.array(z.string()),
    ackTimeoutMinutes: z.number().int(),
    environments: z.array(z.string()),
    services: z.array(PlannedService),
    waves: z.array(WaveView),
    deployments: z.array(
      z.object({
        deploymentId: z.uuid(),
        service: z.string(),
        environment: z.string(),
        version: z.string(),
        rollbackTo: z.string().nullable(),
        stage: z.number().int(),
        status: z.string(),
      }),
    ),
    runbook: Runbook.omit({ steps: true })
      .extend({
        steps: z.array(
          RunbookStep.extend({
            status: z.enum(['open', 'done', 'skipped', 'failed']),
            reason: z.string().nullable(),
            by: z.string().nullable(),
          }),
        ),
        openMandatory: z.array(z.string()),
      })
      .nullable(),
    migrations: z.array(MigrationView),
    flags: z.array(PlanFlag.extend({ turnedOn: z.boolean() })),
    decisions: z.array(
      z.object({
        decisionId: z.string(),
        kind: z.string(),
        deploymentId: z.string().nullable(),
        askedOf: z.string(),
        level: z.number().int(),
        dueAt: z.string().nullable(),
        acknowledged: z.boolean(),
        detail: z.string(),
      }),
    ),
    rollback: z
      .object({ steps: z.array(PlanRollbackStep.and(z.object({ outcome: z.string().nullable() }))) })
      .nullable(),
    revision: z.number().int(),
  }),
);
export type PlanView = z.infer<typeof PlanView>;

function waveState(plan: Plan, stage: number): z.infer<typeof WaveView>['state'] {
  if (stage < plan.completed) return 'completed';
  if (stage === openStage(plan)) return plan.waveFailed ? 'failed' : 'open';
  return 'pending';
}

export function planView(plan: Plan, revision: bigint, schemas: Record<string, SchemaState>): PlanView {
  const waves = Array.from({ length: stageCount(plan) }, (_, stage) => {
    const { environment, wave, services } = stageOf(plan, stage);
    return { stage, environment, wave: wave + 1, services, state: waveState(plan, stage) };
  });
  const migrations = Object.entries(schemas).flatMap(([service, schema]) =>
    schema.migrations
      .filter((m) => m.planId === plan.planId)
      .map(({ lastRun: _l, planId: _p, ...m }) => ({ service, ...m })),
  );
  const runbook = plan.runbook && {
    name: plan.runbook.name,
    version: plan.runbook.version,
    steps: plan.runbook.steps.map((s) => {
      const r = plan.runbookRecords[s.id];
      return { ...s, status: r?.outcome ?? ('open' as const), reason: r?.reason ?? null, by: r?.by ?? null };
    }),
    openMandatory: plan.runbook.steps
      .filter((s) => s.mandatory && (!plan.runbookRecords[s.id] || plan.runbookRecords[s.id]!.outcome === 'failed'))
      .map((s) => s.id),
  };
  return {
    planId: plan.planId,
    releaseId: plan.releaseId,
    status: plan.status,
    lead: plan.lead,
    escalation: plan.escalation,
    ackTimeoutMinutes: plan.ackTimeoutMinutes,
    environments: plan.environments,
    services: plan.services,
    waves,
    deployments: plan.deployments,
    runbook,
    migrations,
    flags: plan.flags,
    decisions: plan.decisions,
    rollback: plan.rollback && {
      steps: plan.rollback.steps.map((s, i) => ({ ...s, outcome: plan.rollback!.outcomes[i] ?? null })),
    },
    revision: Number(revision),
  };
}
