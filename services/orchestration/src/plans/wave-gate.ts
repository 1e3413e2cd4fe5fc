import type { EventStore } from '@railyard/eventstore';
import type { WaveAdmission, WaveGate } from '../rollout-ports.js';
import { isFinished, openStage, type Plan, stageFor, stageOf } from './domain/plan.js';
import { pendingBefore, type SchemaState } from './domain/schema.js';
import { loadReleasePlans, loadSchema } from './plan-store.js';

interface Candidate {
  service: string;
  environment: string;
  version: string;
}

/**
 * Whether a deployment of a plan's service may start now (O1, O2): its version must be the planned one, its wave
 * open in its environment, the plan running, and the plan's expand/migrate migrations of that service applied there
 * (an expand runs before the application that needs it). Otherwise it waits for its wave, or is refused.
 */
export function admission(plan: Plan, schema: SchemaState, d: Candidate): WaveAdmission {
  const planId = plan.planId;
  const refuse = (check: 'plan' | 'migration', reason: string): WaveAdmission => ({
    decision: 'refuse',
    planId,
    check,
    reason,
  });
  const wait = (reason: string): WaveAdmission => ({ decision: 'wait', planId, reason });
  if (plan.status === 'aborted' || plan.status === 'rolling-back' || plan.status === 'rolled-back') {
    return refuse('plan', `Rollout plan ${planId} is ${plan.status}.`);
  }
  const planned = plan.services.find((s) => s.service === d.service)!;
  if (planned.version !== d.version) {
    return refuse('plan', `Rollout plan ${planId} deploys ${d.service} ${planned.version}, not ${d.version}.`);
  }
  const stage = stageFor(plan, d.service, d.environment);
  if (stage === null) return refuse('plan', `Rollout plan ${planId} does not deploy to ${d.environment}.`);
  const { wave } = stageOf(plan, stage);
  const where = `wave ${wave + 1} in ${d.environment}`;
  if (isFinished(plan) || stage < plan.completed) {
    return { decision: 'start', planId, reason: `${where} of rollout plan ${planId} is already complete.` };
  }
  if (plan.status === 'planned') return wait(`Rollout plan ${planId} has not been promoted yet.`);
  const open = openStage(plan);
  if (open === null || stage > open) return wait(`${where} of rollout plan ${planId} opens after the waves before it.`);
  if (plan.waveFailed) return refuse('plan', `${where} failed (${plan.waveFailed.service}): the lead must retry it.`);
  if (plan.status === 'paused') return wait(`Rollout plan ${planId} is paused.`);
  const pending = pendingBefore(schema, planId, d.environment);
  const failed = pending.find((m) => m.lastRun[d.environment]?.outcome === 'failed');
  if (failed)
    return refuse('migration', `Migration ${failed.migrationId} failed in ${d.environment}: it must run first.`);
  if (pending.length > 0) {
    return wait(`Migrations ${pending.map((m) => m.migrationId).join(', ')} must run in ${d.environment} first.`);
  }
  return { decision: 'start', planId, reason: `${where} of rollout plan ${planId} is open.` };
}

/**
 * The WaveGate deployments ask before they start (rollout-ports.ts). A release's plans have known ids (plan-store's
 * planIdFor) and are folded from their streams, so the decision is on current state, never on a lagging list.
 * A release without a plan that deploys this service: start.
 */
export function createWaveGate(deps: { store: EventStore }): WaveGate {
  return {
    async admit(d) {
      if (d.releaseId === null) return { decision: 'start', planId: null, reason: 'The deployment names no release.' };
      const plans = (await loadReleasePlans(deps.store, d.releaseId))
        .filter((p) => p.services.some((s) => s.service === d.service))
        .reverse();
      const plan = plans.find((p) => !isFinished(p)) ?? plans[0];
      if (!plan)
        return { decision: 'start', planId: null, reason: 'No rollout plan of the release deploys this service.' };
      return admission(plan, await loadSchema(deps.store, d.service), d);
    },
  };
}
