import { randomUUID } from 'node:crypto';
import { OrchestrationErrorCodes as Codes, ErrorCodes, LeadDecisionAcknowledged } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryDecisionId } from '../plan-progress.js';
import {
  admin,
  lead,
  otherLead,
  type PlanHistory,
  type PlanSpecFixture,
  sre,
  startPlanSpecs,
} from '../test-support/plan-spec.js';

describe('POST /plans/:id/decisions/:decisionId/acknowledge', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('ackDecision');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const acknowledge = (p: PlanHistory, decisionId: string, actor = lead, body: object = { note: 'retrying' }) =>
    s.request('POST', `/plans/${p.planId}/decisions/${decisionId}/acknowledge`, actor, body);
  const acknowledged = (p: PlanHistory, decisionId: string, by: string, note = 'retrying') =>
    event(LeadDecisionAcknowledged, { planId: p.planId, decisionId, by, note });
  /** A running plan whose orders deployment failed in staging: the lead is asked to retry, abort or roll back. */
  const waveFailed = (p: PlanHistory, deploymentId: string, askedOf = lead.id) => [
    p.created(),
    p.promoted(),
    p.waveStarted(0),
    p.joined({ deploymentId, service: 'orders', environment: 'staging', version: '2.1.0', stage: 0 }),
    p.progressed(deploymentId, 'failed'),
    p.waveFailed(0, deploymentId, 'orders'),
    p.decisionRequested({ decisionId: `wave-failed-${deploymentId}`, kind: 'wave-failed', deploymentId, askedOf }),
  ];

  it('the lead acknowledges a failed wave: the escalation stops, nothing is promoted', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    const decisionId = `wave-failed-${deploymentId}`;
    await s
      .given(p, ...waveFailed(p, deploymentId))
      .when(acknowledge(p, decisionId))
      .then({
        status: 200,
        body: { planId: p.planId },
        events: { [p.stream]: [acknowledged(p, decisionId, lead.id)] },
      });
    expect(s.d.calls.promote.filter((c) => c.id === deploymentId)).toEqual([]);
  });

  it('the person the decision escalated to acknowledges it (holding a deploy grant on prod)', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    const decisionId = `wave-failed-${deploymentId}`;
    await s
      .given(p, ...waveFailed(p, deploymentId, sre.id))
      .when(acknowledge(p, decisionId, sre, { note: '' }))
      .then({ status: 200, events: { [p.stream]: [acknowledged(p, decisionId, sre.id, '')] } });
  });

  it('a canary held at a pause: acknowledging promotes that step of the deployment', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    const decisionId = canaryDecisionId(deploymentId, 1);
    await s
      .given(
        p,
        p.created(),
        p.promoted(),
        p.waveStarted(0),
        p.joined({ deploymentId, service: 'orders', environment: 'staging', version: '2.1.0', stage: 0 }),
        p.decisionRequested({ decisionId, kind: 'canary-paused', deploymentId }),
      )
      .when(acknowledge(p, decisionId, lead, { note: 'metrics look fine' }))
      .then({
        status: 200,
        events: { [p.stream]: [acknowledged(p, decisionId, lead.id, 'metrics look fine')] },
      });
    // The deployments side of the seam was asked to promote step 1 (its DeploymentPromoted is deployments' own).
    expect(s.d.calls.promote.filter((c) => c.id === deploymentId)).toEqual([{ id: deploymentId, step: 1 }]);
  });

  it('a decision already acknowledged: 200 and nothing new', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    const decisionId = `wave-failed-${deploymentId}`;
    await s
      .given(p, ...waveFailed(p, deploymentId), p.decisionAcknowledged(decisionId))
      .when(acknowledge(p, decisionId))
      .then({ status: 200 });
  });

  it('403 ORCHESTRATION_DECISION_NOT_ASKED_OF_YOU: another lead was not asked', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    await s
      .given(p, ...waveFailed(p, deploymentId))
      .when(acknowledge(p, `wave-failed-${deploymentId}`, otherLead))
      .then({ status: 403, code: Codes.DECISION_NOT_ASKED, body: { askedOf: lead.id } });
  });

  it('403 ORCHESTRATION_GRANT_REQUIRED: an admin may answer for the lead, but not in prod without a grant', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    await s
      .given(p, ...waveFailed(p, deploymentId))
      .when(acknowledge(p, `wave-failed-${deploymentId}`, admin))
      .then({
        status: 403,
        code: Codes.GRANT_REQUIRED,
        body: { principal: admin.id, privileges: ['lead', 'deploy'], environment: 'prod' },
      });
  });

  it('404 ORCHESTRATION_DECISION_NOT_FOUND for a decision the plan never asked', async () => {
    const p = s.plan();
    await s
      .given(p, p.created(), p.promoted(), p.waveStarted(0))
      .when(acknowledge(p, 'wave-failed-nothing'))
      .then({ status: 404, code: Codes.DECISION_NOT_FOUND });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    await s.spec().when(acknowledge(s.plan(), 'wave-failed-nothing')).then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 for a body with more than a note', async () => {
    const p = s.plan();
    const deploymentId = randomUUID();
    await s
      .given(p, ...waveFailed(p, deploymentId))
      .when(acknowledge(p, `wave-failed-${deploymentId}`, lead, { note: 'ok', retry: true }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
