import { randomUUID } from 'node:crypto';
import {
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  PlanRollbackStarted,
  PlanRollbackStepRecorded,
  RolloutPlanRolledBack,
  serviceSchemaStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  admin,
  lead,
  ordersAndWeb,
  otherLead,
  type PlanHistory,
  type PlanSpecFixture,
  startPlanSpecs,
} from '../test-support/plan-spec.js';

describe('POST /plans/:id/rollback', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('rollBackPlan');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const rollBack = (p: PlanHistory, actor = lead, body: object = { reason: 'checkout errors' }) =>
    s.request('POST', `/plans/${p.planId}/rollback`, actor, body);
  const running = (p: PlanHistory) => [p.created(), p.promoted(), p.waveStarted(0)];

  it('a plan that deployed nothing: the empty compensation is recorded and the plan is rolled back at once', async () => {
    const p = s.plan();
    await s
      .given(p, ...running(p))
      .when(rollBack(p))
      .then({
        status: 202,
        body: { planId: p.planId, status: 'rolled-back' },
        events: {
          [p.stream]: [
            event(PlanRollbackStarted, { planId: p.planId, by: lead.id, reason: 'checkout errors', steps: [] }),
            event(RolloutPlanRolledBack, { planId: p.planId, refusedSteps: 0, failedSteps: 0 }),
          ],
        },
      });
  });

  it('an irreversible migration forbids reversing its deployment: the step is recorded refused, naming it', async () => {
    // Services of their own: the schema stream is per service, and no other specification of this file touches it.
    const p = s.plan({ services: ordersAndWeb('ledger', 'ledger-ui') });
    const deploymentId = randomUUID();
    const schema = serviceSchemaStream('ledger');
    const refused = {
      kind: 'refused',
      stage: 0,
      service: 'ledger',
      environment: 'staging',
      deploymentId,
      migrationId: 'drop-legacy-totals',
      reason:
        'Migration drop-legacy-totals of ledger is irreversible in staging, and 2.0.0 needs a schema compatible ' +
        'with it (^2.1.0 only).',
    };
    await s
      .given(
        p,
        ...running(p),
        p.joined({ deploymentId, service: 'ledger', environment: 'staging', version: '2.1.0', stage: 0 }),
        p.progressed(deploymentId, 'succeeded'),
      )
      .given(
        schema,
        p.migration({
          service: 'ledger',
          migrationId: 'drop-legacy-totals',
          sequence: 1,
          kind: 'migrate',
          irreversible: true,
        }),
        p.migrationRun({ service: 'ledger', migrationId: 'drop-legacy-totals', environment: 'staging' }),
      )
      .when(rollBack(p))
      .then({
        status: 202,
        body: { status: 'rolled-back' },
        events: {
          [p.stream]: [
            event(PlanRollbackStarted, {
              planId: p.planId,
              by: lead.id,
              reason: 'checkout errors',
              steps: [refused],
            }),
            event(PlanRollbackStepRecorded, { planId: p.planId, index: 0, outcome: 'refused', detail: refused.reason }),
            event(RolloutPlanRolledBack, { planId: p.planId, refusedSteps: 1, failedSteps: 0 }),
          ],
        },
      });
  });

  it('409 ORCHESTRATION_PLAN_FINISHED while a rollback is under way', async () => {
    const p = s.plan();
    await s
      .given(p, ...running(p), p.rollbackStarted())
      .when(rollBack(p))
      .then({ status: 409, code: Codes.PLAN_FINISHED, body: { planStatus: 'rolling-back' } });
  });

  it('403 ORCHESTRATION_PLAN_NOT_LEAD: only the lead or an admin rolls back', async () => {
    const p = s.plan();
    await s
      .given(p, ...running(p))
      .when(rollBack(p, otherLead))
      .then({ status: 403, code: Codes.PLAN_NOT_LEAD, body: { lead: lead.id } });
  });

  it('403 ORCHESTRATION_GRANT_REQUIRED: an admin without a lead grant on prod', async () => {
    const p = s.plan();
    await s
      .given(p, ...running(p))
      .when(rollBack(p, admin))
      .then({ status: 403, code: Codes.GRANT_REQUIRED, body: { privileges: ['lead'], environment: 'prod' } });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    await s.spec().when(rollBack(s.plan())).then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 without a reason', async () => {
    const p = s.plan();
    await s
      .given(p, ...running(p))
      .when(rollBack(p, lead, {}))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
