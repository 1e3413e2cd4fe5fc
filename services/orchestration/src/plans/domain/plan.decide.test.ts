import { type Actor, DomainError, OrchestrationErrorCodes, type RolloutPlanEvent } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { type PlanCommand, planDecider } from './plan.decide.js';
import { evolvePlan, initialPlanState, type Plan, type PlanState } from './plan.js';
import { derivePlanRollback } from './rollback-plan.js';

const lead: Actor = { id: 'lead-lou', kind: 'user', roles: ['deployment-lead'] };
const at = new Date('2026-12-01T10:00:00Z');
const minuteMs = 60_000;
const PLAN = '0193cccc-0000-7000-8000-000000000001';
const D = (n: number) => `0193dddd-0000-7000-8000-00000000000${n}`;

const given = (...commands: PlanCommand[]): PlanState => {
  let state: PlanState = initialPlanState;
  for (const c of commands) for (const e of planDecider.decide(c, state)) state = evolvePlan(state, e);
  return state;
};
const when = (state: PlanState, c: PlanCommand) => planDecider.decide(c, state);
const types = (events: RolloutPlanEvent[]) => events.map((e) => e.type);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
};

const create: PlanCommand = {
  type: 'CreatePlan',
  planId: PLAN,
  releaseId: '0193cccc-0000-7000-8000-0000000000aa',
  environments: ['staging'],
  services: [
    { service: 'orders', version: '2.0.0', provides: [{ api: 'orders-api', version: '2.0.0' }], consumes: [] },
    { service: 'web', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '^2' }] },
  ],
  lead: 'lead-lou',
  escalation: ['sre-sam'],
  ackTimeoutMinutes: 5,
  runbook: {
    name: 'r',
    version: 1,
    steps: [{ id: 'dns', kind: 'dns-update', title: 'DNS', ownerRole: 'sre', validation: 'dig', mandatory: true }],
  },
  flags: [],
  reason: '',
  actor: lead,
  at,
};
const control = (type: 'Promote' | 'Pause' | 'Resume' | 'Abort' | 'Retry'): PlanCommand => ({
  type,
  reason: 'r',
  actor: lead,
  at,
  minuteMs,
});
const join = (n: number, service: string, version: string): PlanCommand => ({
  type: 'JoinDeployment',
  deploymentId: D(n),
  service,
  environment: 'staging',
  version,
  rollbackTo: null,
});
const progress = (n: number, status: 'started' | 'succeeded' | 'failed' | 'rollback-failed'): PlanCommand => ({
  type: 'ProgressDeployment',
  deploymentId: D(n),
  status,
  eventId: D(n),
  actor: lead,
  at,
  minuteMs,
});

describe('when planned', () => {
  it('promote opens the first wave', () => {
    expect(types(when(given(create), control('Promote')))).toEqual(['RolloutPlanPromoted', 'PlanWaveStarted']);
  });
  it('refuses pause, resume and retry', () => {
    for (const c of ['Pause', 'Resume', 'Retry'] as const) {
      expect(refusal(() => when(given(create), control(c)))).toBe(OrchestrationErrorCodes.PLAN_STATE_CONFLICT);
    }
  });
});

describe('when running', () => {
  const running = () => given(create, control('Promote'), join(1, 'orders', '2.0.0'));
  it('completes the wave when its deployments succeed, and opens the next', () => {
    expect(types(when(running(), progress(1, 'succeeded')))).toEqual([
      'PlanDeploymentProgressed',
      'PlanWaveCompleted',
      'PlanWaveStarted',
    ]);
  });
  it('does not count a deployment of another version', () => {
    const state = given(create, control('Promote'), join(2, 'orders', '1.9.0'));
    expect(types(when(state, progress(2, 'succeeded')))).toEqual(['PlanDeploymentProgressed']);
  });
  it('opens no wave while paused, and opens it on resume', () => {
    const paused = given(
      create,
      control('Promote'),
      join(1, 'orders', '2.0.0'),
      control('Pause'),
      progress(1, 'succeeded'),
    );
    expect((paused as Plan).started).toBe(1);
    expect(types(when(paused, control('Resume')))).toEqual(['RolloutPlanResumed', 'PlanWaveStarted']);
  });
  it('asks the lead when a deployment of the open wave fails; retry clears it', () => {
    const failed = given(create, control('Promote'), join(1, 'orders', '2.0.0'));
    const events = when(failed, progress(1, 'failed'));
    expect(types(events)).toEqual(['PlanDeploymentProgressed', 'PlanWaveFailed', 'LeadDecisionRequested']);
    expect(events[2]!.data).toMatchObject({ askedOf: 'lead-lou', level: 0, dueAt: '2026-12-01T10:05:00.000Z' });
    const after = given(create, control('Promote'), join(1, 'orders', '2.0.0'), progress(1, 'failed'));
    expect(types(when(after, control('Retry')))).toEqual(['RolloutPlanRetried']);
  });
  it('waits for the mandatory runbook steps after the last wave, then completes', () => {
    const done = given(
      create,
      control('Promote'),
      join(1, 'orders', '2.0.0'),
      progress(1, 'succeeded'),
      join(2, 'web', '1.1.0'),
      progress(2, 'succeeded'),
    );
    expect((done as Plan).status).toBe('awaiting-runbook');
    const step: PlanCommand = {
      type: 'RecordRunbookStep',
      stepId: 'dns',
      outcome: 'done',
      reason: '',
      evidence: null,
      actor: lead,
      at,
    };
    expect(types(when(done, step))).toEqual(['RunbookStepRecorded', 'RolloutPlanCompleted']);
  });
});

describe('when finished', () => {
  it('refuses every whole-plan command with PLAN_FINISHED', () => {
    const aborted = given(create, control('Abort'));
    for (const c of ['Promote', 'Pause', 'Resume', 'Abort', 'Retry'] as const) {
      expect(refusal(() => when(aborted, control(c)))).toBe(OrchestrationErrorCodes.PLAN_FINISHED);
    }
  });
});

describe('lead decisions', () => {
  const requested = () =>
    given(create, {
      type: 'RequestDecision',
      decisionId: 'x',
      deploymentId: null,
      detail: 'paused',
      actor: lead,
      at,
      minuteMs,
    });
  it('escalates only once due, to the next person, and stops at the end of the list', () => {
    expect(
      when(requested(), {
        type: 'EscalateDecisions',
        actor: lead,
        at: new Date(at.getTime() + 4 * minuteMs),
        minuteMs,
      }),
    ).toEqual([]);
    const later = new Date(at.getTime() + 5 * minuteMs);
    const events = when(requested(), { type: 'EscalateDecisions', actor: lead, at: later, minuteMs });
    expect(events).toEqual([
      {
        type: 'LeadDecisionEscalated',
        data: { planId: PLAN, decisionId: 'x', from: 'lead-lou', to: 'sre-sam', level: 1, dueAt: null },
      },
    ]);
  });
  it('stops escalating once acknowledged', () => {
    const acked = given(
      create,
      { type: 'RequestDecision', decisionId: 'x', deploymentId: null, detail: 'p', actor: lead, at, minuteMs },
      { type: 'AcknowledgeDecision', decisionId: 'x', note: '', actor: lead, at },
    );
    expect(
      when(acked, { type: 'EscalateDecisions', actor: lead, at: new Date(at.getTime() + 60 * minuteMs), minuteMs }),
    ).toEqual([]);
  });
});

describe('rollback', () => {
  it('records refusals at once and ends when nothing is left to do', () => {
    const events = when(given(create), {
      type: 'StartRollback',
      reason: 'r',
      actor: lead,
      at,
      steps: [
        {
          kind: 'refused',
          stage: 0,
          deploymentId: D(1),
          service: 'orders',
          environment: 'staging',
          migrationId: 'm1',
          reason: 'irreversible',
        },
      ],
    });
    expect(types(events)).toEqual(['PlanRollbackStarted', 'PlanRollbackStepRecorded', 'RolloutPlanRolledBack']);
    expect(events[2]!.data).toMatchObject({ refusedSteps: 1, failedSteps: 0 });
  });
});

describe('the derived compensation', () => {
  it('still names a deployment whose own rollback failed: its new version is still live', () => {
    const plan = given(
      create,
      control('Promote'),
      join(1, 'orders', '2.0.0'),
      progress(1, 'started'),
      progress(1, 'succeeded'),
      progress(1, 'rollback-failed'),
    ) as Plan;
    expect(derivePlanRollback(plan, {}).map((s) => `${s.kind}:${'service' in s ? s.service : ''}`)).toEqual([
      'rollback-deployment:orders',
    ]);
  });
});
