import { type EventCatalogue, type RolloutPlanEvent, rolloutPlanEvents } from '@railyard/contracts';
import { type RecordedEvent, upcastRecorded } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';
import { evolvePlan, initialPlanState, type Plan } from '../domain/plan.js';

/** Table `orchestration.rollout_plans`: each plan folded by the same evolve as its stream, for lists and look-ups. */
export interface RolloutPlanRow {
  plan_id: string;
  release_id: string;
  status: string;
  lead: string;
  state: Plan;
  /** The earliest moment an open lead decision escalates (the scheduler's index). */
  decision_due_at: Date | null;
  /** The global position of the last event folded in: a replayed event is skipped, so the fold stays exact. */
  last_position: string;
  created_at: Date;
  updated_at: Date;
  last_event_id: string;
}
export interface RunningVersionRow {
  service: string;
  environment: string;
  version: string;
  deployment_id: string;
  updated_at: Date;
}
export interface PlanDb {
  'orchestration.rollout_plans': RolloutPlanRow;
  'orchestration.running_versions': RunningVersionRow;
}

const catalogue = rolloutPlanEvents as unknown as EventCatalogue;

function earliestDue(plan: Plan): Date | null {
  const due = plan.decisions.flatMap((d) => (!d.acknowledged && d.dueAt ? [d.dueAt] : [])).sort();
  return due[0] ? new Date(due[0]) : null;
}

export const projectPlanList: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<PlanDb>;
  const upcast = upcastRecorded(catalogue, recorded);
  const event = { type: upcast.type, data: upcast.data } as RolloutPlanEvent;
  const planId = event.data.planId;
  const at = new Date(recorded.metadata.occurredAt);
  const row = await trx
    .selectFrom('orchestration.rollout_plans')
    .select(['state', 'last_position'])
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!row && event.type !== 'RolloutPlanCreated') return;
  if (row && BigInt(row.last_position) >= recorded.position) return; // replayed
  const state = evolvePlan(row ? row.state : initialPlanState, event);
  if (!state.exists) return;
  const values = {
    status: state.status,
    lead: state.lead,
    state: JSON.stringify(state) as never,
    decision_due_at: earliestDue(state),
    last_position: String(recorded.position),
    updated_at: at,
    last_event_id: recorded.id,
  };
  if (row) {
    await trx.updateTable('orchestration.rollout_plans').set(values).where('plan_id', '=', planId).execute();
  } else {
    await trx
      .insertInto('orchestration.rollout_plans')
      .values({ plan_id: planId, release_id: state.releaseId, created_at: at, ...values })
      .execute();
  }
};

export const planListProjection = {
  name: 'plan-list',
  schema: 'orchestration',
  filter: { categories: ['rolloutPlan'] },
  project: projectPlanList,
  reset: async (anyTrx: unknown) => {
    await (anyTrx as Transaction<PlanDb>).deleteFrom('orchestration.rollout_plans').execute();
  },
} as const;
