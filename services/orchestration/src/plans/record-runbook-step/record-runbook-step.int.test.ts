import {
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  RolloutPlanCompleted,
  RunbookStepRecorded,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  admin,
  NOW,
  type PlanHistory,
  type PlanSpecFixture,
  runbook,
  sre,
  startPlanSpecs,
} from '../test-support/plan-spec.js';

describe('POST /plans/:id/runbook/steps/:stepId', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('runbookStep');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const record = (p: PlanHistory, stepId: string, body: object, actor = sre) =>
    s.request('POST', `/plans/${p.planId}/runbook/steps/${stepId}`, actor, body);
  const recorded = (p: PlanHistory, data: { stepId: string; outcome: string; reason?: string; by?: string }) =>
    event(RunbookStepRecorded, { planId: p.planId, reason: '', evidence: null, by: sre.id, ...data });
  const allWavesDone = (p: PlanHistory) => [
    p.created(),
    p.runbook(runbook()),
    p.promoted(),
    p.waveStarted(0),
    p.waveCompleted(0),
    p.waveStarted(1),
    p.waveCompleted(1),
    p.waveStarted(2),
    p.waveCompleted(2),
    p.waveStarted(3),
    p.waveCompleted(3),
  ];

  it("the step's owner records it done, with its evidence", async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()))
      .when(record(p, 'switch-dns', { outcome: 'done', evidence: '203.0.113.7' }))
      .then({
        status: 200,
        body: { planId: p.planId, status: 'planned' },
        events: {
          [p.stream]: [
            event(RunbookStepRecorded, {
              planId: p.planId,
              stepId: 'switch-dns',
              outcome: 'done',
              reason: '',
              evidence: '203.0.113.7',
              by: sre.id,
            }),
          ],
        },
      });
  });

  it('the last open mandatory step done, a plan awaiting its runbook completes', async () => {
    const p = s.plan();
    await s
      .given(p, ...allWavesDone(p), p.awaitingRunbook(['switch-dns']))
      .when(record(p, 'switch-dns', { outcome: 'done' }))
      .then({
        status: 200,
        body: { status: 'completed' },
        events: {
          [p.stream]: [
            recorded(p, { stepId: 'switch-dns', outcome: 'done' }),
            event(RolloutPlanCompleted, { planId: p.planId, completedAt: NOW.toISOString() }),
          ],
        },
      });
  });

  it('a failed step stays open: it is recorded again, and an admin records any step', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()), p.stepRecorded('flush-cache', 'failed', 'dev-dora'))
      .when(record(p, 'flush-cache', { outcome: 'skipped', reason: 'the CDN is down' }, admin))
      .then({
        status: 200,
        events: {
          [p.stream]: [
            recorded(p, { stepId: 'flush-cache', outcome: 'skipped', reason: 'the CDN is down', by: admin.id }),
          ],
        },
      });
  });

  it("403 ORCHESTRATION_RUNBOOK_STEP_NOT_OWNER: a step is its owner role's", async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()))
      .when(record(p, 'flush-cache', { outcome: 'done' }, sre))
      .then({ status: 403, code: Codes.RUNBOOK_STEP_NOT_OWNER, body: { ownerRole: 'deployer' } });
  });

  it('404 ORCHESTRATION_RUNBOOK_STEP_NOT_FOUND for a step the runbook does not list', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()))
      .when(record(p, 'reboot-everything', { outcome: 'done' }))
      .then({ status: 404, code: Codes.RUNBOOK_STEP_NOT_FOUND });
  });

  it('409 ORCHESTRATION_RUNBOOK_STEP_CLOSED for a step already done', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()), p.stepRecorded('switch-dns', 'done'))
      .when(record(p, 'switch-dns', { outcome: 'done' }))
      .then({ status: 409, code: Codes.RUNBOOK_STEP_CLOSED });
  });

  it('422 ORCHESTRATION_RUNBOOK_INVALID: a skipped step needs a reason', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()))
      .when(record(p, 'switch-dns', { outcome: 'skipped' }))
      .then({ status: 422, code: Codes.RUNBOOK_INVALID });
  });

  it('409 ORCHESTRATION_PLAN_FINISHED on an aborted plan', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()), p.aborted())
      .when(record(p, 'switch-dns', { outcome: 'done' }))
      .then({ status: 409, code: Codes.PLAN_FINISHED, body: { planStatus: 'aborted' } });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    await s
      .spec()
      .when(record(s.plan(), 'switch-dns', { outcome: 'done' }))
      .then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 for an outcome the runbook does not know', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.runbook(runbook()))
      .when(record(p, 'switch-dns', { outcome: 'half-done' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
