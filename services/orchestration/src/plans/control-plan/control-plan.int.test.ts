import { randomUUID } from 'node:crypto';
import {
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  RolloutPlanAborted,
  RolloutPlanPaused,
  RolloutPlanPromoted,
  RolloutPlanResumed,
  RolloutPlanRetried,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  admin,
  lead,
  manager,
  otherLead,
  type PlanHistory,
  type PlanSpecFixture,
  sre,
  startPlanSpecs,
} from '../test-support/plan-spec.js';

describe('POST /plans/:id/{promote,pause,resume,abort,retry}', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('controlPlan');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const command = (p: PlanHistory, path: string, actor = lead, reason = 'because') =>
    s.request('POST', `/plans/${p.planId}/${path}`, actor, { reason });
  const by = (actor: { id: string }, reason = 'because') => ({ by: actor.id, reason });

  it('promote: a planned plan runs and its first wave opens in the first environment', async () => {
    const p = s.plan();
    await s
      .given(p, p.created())
      .when(command(p, 'promote', manager))
      .then({
        status: 200,
        body: { planId: p.planId, status: 'running' },
        events: {
          [p.stream]: [event(RolloutPlanPromoted, { planId: p.planId, ...by(manager) }), p.waveStarted(0)],
        },
      });
  });

  it('409 ORCHESTRATION_PLAN_STATE_CONFLICT promoting a plan that already runs', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'promote', manager))
      .then({ status: 409, code: Codes.PLAN_STATE_CONFLICT, body: { planStatus: 'running' } });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    const p = s.plan();
    await s
      .spec()
      .when(command(p, 'promote', manager))
      .then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 without a reason', async () => {
    const p = s.plan();
    await s
      .given(p, p.created())
      .when(command(p, 'promote', manager, '  '))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN: an SRE does not promote', async () => {
    const p = s.plan();
    await s
      .given(p, p.created())
      .when(command(p, 'promote', sre))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });

  it('pause: the lead (holding a lead grant on prod) pauses a running plan', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'pause'))
      .then({
        status: 200,
        body: { status: 'paused' },
        events: { [p.stream]: [event(RolloutPlanPaused, { planId: p.planId, ...by(lead) })] },
      });
  });

  it('409 ORCHESTRATION_PLAN_STATE_CONFLICT pausing a plan not running', async () => {
    const p = s.plan();
    await s
      .given(p, p.created())
      .when(command(p, 'pause'))
      .then({ status: 409, code: Codes.PLAN_STATE_CONFLICT, body: { planStatus: 'planned' } });
  });

  it('403 ORCHESTRATION_PLAN_NOT_LEAD: another deployment lead does not pause the plan', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'pause', otherLead))
      .then({ status: 403, code: Codes.PLAN_NOT_LEAD, body: { lead: lead.id } });
  });

  it('403 ORCHESTRATION_GRANT_REQUIRED: an admin is a lead, but not in prod without a grant', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'pause', admin))
      .then({
        status: 403,
        code: Codes.GRANT_REQUIRED,
        body: { principal: admin.id, privileges: ['lead'], environment: 'prod' },
      });
  });

  it('resume: a paused plan runs again and, its open wave done, the next wave opens', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0), p.waveCompleted(0), p.paused())
      .when(command(p, 'resume'))
      .then({
        status: 200,
        body: { status: 'running' },
        events: {
          [p.stream]: [event(RolloutPlanResumed, { planId: p.planId, ...by(lead) }), p.waveStarted(1)],
        },
      });
  });

  it('resume: with its wave still open, only the plan resumes', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0), p.paused())
      .when(command(p, 'resume'))
      .then({
        status: 200,
        events: { [p.stream]: [event(RolloutPlanResumed, { planId: p.planId, ...by(lead) })] },
      });
  });

  it('409 ORCHESTRATION_PLAN_STATE_CONFLICT resuming a plan that is not paused', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'resume'))
      .then({ status: 409, code: Codes.PLAN_STATE_CONFLICT, body: { planStatus: 'running' } });
  });

  it('abort: the lead aborts a running plan', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'abort'))
      .then({
        status: 200,
        body: { status: 'aborted' },
        events: { [p.stream]: [event(RolloutPlanAborted, { planId: p.planId, ...by(lead) })] },
      });
  });

  it('409 ORCHESTRATION_PLAN_STATE_CONFLICT aborting while a rollback is under way', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0), p.rollbackStarted())
      .when(command(p, 'abort'))
      .then({ status: 409, code: Codes.PLAN_STATE_CONFLICT, body: { planStatus: 'rolling-back' } });
  });

  it('409 ORCHESTRATION_PLAN_FINISHED: an aborted plan takes no more commands', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.aborted())
      .when(command(p, 'abort'))
      .then({ status: 409, code: Codes.PLAN_FINISHED, body: { planStatus: 'aborted' } });
  });

  it('retry: the failed wave is admitted again', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    await s
      .given(
        p,
        p.created(),
        p.promoted(),
        p.waveStarted(0),
        p.joined({ deploymentId, service: 'orders', environment: 'staging', version: '2.1.0', stage: 0 }),
        p.progressed(deploymentId, 'failed'),
        p.waveFailed(0, deploymentId, 'orders'),
      )
      .when(command(p, 'retry', manager))
      .then({
        status: 200,
        events: { [p.stream]: [event(RolloutPlanRetried, { planId: p.planId, ...by(manager), stage: 0 })] },
      });
  });

  it('409 ORCHESTRATION_PLAN_STATE_CONFLICT retrying when no wave failed', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(command(p, 'retry', manager))
      .then({ status: 409, code: Codes.PLAN_STATE_CONFLICT });
  });
});
