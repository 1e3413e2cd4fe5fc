import { type Actor, rolloutPlanStream } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import type { DeploymentControl } from '../rollout-ports.js';
import { openStage, type Plan, stageCount } from './domain/plan.js';
import { nextRollbackSteps } from './domain/rollback-plan.js';
import { pendingBefore } from './domain/schema.js';
import type { PlanFlagSwitches } from './flag-switches.js';
import { loadPlan, loadSchema, type PlanCommands } from './plan-store.js';

/** The plans' own actor: its events say no person did it (the person is in the causing event). */
export const PLANS_ACTOR: Actor = { id: 'orchestration-plans', kind: 'system', roles: [] };

export interface ReconcilerDeps {
  store: EventStore;
  commands: PlanCommands;
  control: DeploymentControl;
  flags: PlanFlagSwitches;
  now: () => Date;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Does what a plan's state asks of the world, idempotently: starts the waiting deployments of the open wave whose
 * migrations are in place, enables the flags whose wave completed, and performs the rollback's next steps. It runs
 * after every event of the plan (the progress worker calls it), so a crash between a decision and its effect is
 * repaired by the next pass; every effect it asks for is idempotent (DeploymentControl, flag commands).
 */
export function createPlanReconciler(deps: ReconcilerDeps) {
  const { store, commands, control, flags, now } = deps;

  async function releaseOpenWave(plan: Plan, ctx: CommandContext) {
    const open = openStage(plan);
    if (plan.status !== 'running' || plan.waveFailed || open === null) return;
    for (const d of plan.deployments.filter((x) => x.stage === open && x.status === 'waiting')) {
      const schema = await loadSchema(store, d.service);
      if (pendingBefore(schema, plan.planId, d.environment).length === 0) await control.release(d.deploymentId, ctx);
    }
  }

  async function enableDueFlags(plan: Plan, ctx: CommandContext) {
    // Flags are not per environment: a flag turns on once its wave completed in the plan's last environment.
    const lastEnvironmentStart = stageCount(plan) - plan.waves.length;
    const wavesDone = Math.max(0, plan.completed - lastEnvironmentStart);
    if (plan.status === 'rolling-back' || plan.status === 'rolled-back' || plan.status === 'aborted') return;
    for (const f of plan.flags) {
      if (f.turnedOn || f.enableAfterWave === null || f.enableAfterWave > wavesDone) continue;
      const detail = `Wave ${f.enableAfterWave} of rollout plan ${plan.planId} completed.`;
      await flags.enable(f.key, detail, ctx);
      await commands.handle(rolloutPlanStream(plan.planId), { type: 'TurnOnFlag', key: f.key, detail }, ctx);
    }
  }

  async function rollBack(plan: Plan, ctx: CommandContext) {
    if (plan.status !== 'rolling-back' || !plan.rollback) return;
    const stream = rolloutPlanStream(plan.planId);
    const record = (index: number, outcome: 'requested' | 'done' | 'failed', detail: string) =>
      commands.handle(stream, { type: 'RecordRollbackStep', index, outcome, detail }, ctx);
    for (const { index, step } of nextRollbackSteps(plan.rollback.steps, plan.rollback.outcomes)) {
      if (step.kind === 'kill-flag') {
        try {
          await flags.kill(step.key, `Rollout plan ${plan.planId} is rolled back.`, ctx);
          await record(index, 'done', `Flag ${step.key} killed.`);
        } catch (error) {
          deps.logger.warn({ err: error, planId: plan.planId, flag: step.key }, 'plan rollback could not kill a flag');
          await record(index, 'failed', `Flag ${step.key} could not be killed.`);
        }
      } else if (step.kind === 'rollback-deployment') {
        await control.rollback(step.deploymentId, { kind: 'plan', triggerId: null, by: plan.rollback.by }, ctx);
        await record(
          index,
          'requested',
          `Deployment ${step.deploymentId} asked to roll back to ${step.to ?? 'nothing'}.`,
        );
      } else if (step.kind === 'down-migration') {
        await record(
          index,
          'requested',
          `Down migration ${step.migrationId} handed to the executor in ${step.environment}.`,
        );
      }
    }
  }

  return async function reconcile(planId: string, cause?: { correlationId: string; causationId: string }) {
    const { plan } = await loadPlan(store, planId);
    const ctx: CommandContext = {
      actor: PLANS_ACTOR,
      now: now(),
      correlationId: cause?.correlationId ?? `plan-${planId}`,
      ...(cause ? { causationId: cause.causationId } : {}),
    };
    await releaseOpenWave(plan, ctx);
    await enableDueFlags(plan, ctx);
    await rollBack(plan, ctx);
  };
}
export type PlanReconciler = ReturnType<typeof createPlanReconciler>;
