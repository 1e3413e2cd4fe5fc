import { randomUUID } from 'node:crypto';
import {
  GovernanceErrorCodes as Codes,
  DeploymentPolicyPublished,
  deploymentPolicyStream,
  RetrospectiveFeedbackAdded,
  RetrospectiveItemAdopted,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';
import { actionAdded, freshRetrospective, specNow } from '../../test-support/retrospective-spec.js';

const prod = { requiredApprovals: 2, allowedStrategies: ['canary'], requiredChecks: ['load-test'] };
const v1 = (name: string) =>
  event(DeploymentPolicyPublished, {
    policyName: name,
    version: 1,
    document: { tiers: { prod }, freezeRules: [] },
    reason: { kind: 'regulation', ref: 'REG-1', description: 'two approvals' },
    publishedBy: 'rm-1',
    publishedAt: '2026-10-01T00:00:00.000Z',
  });
let n = 0;
const freshPolicy = () => `adopting${++n}`;

describe('POST /retrospectives/:id/items/:itemId/adopt', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govAdoptItem', () => specNow);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const adopt =
    (id: string, itemId: string, policyName: string, tiers = ['prod']) =>
    async () => ({
      method: 'POST' as const,
      url: `/retrospectives/${id}/items/${itemId}/adopt`,
      headers: await s.as('rm-1', ['release-manager']),
      payload: { policyName, tiers, check: 'migration-rehearsal' },
    });
  const v2 = (name: string, id: string, itemId: string, description: string) =>
    event(DeploymentPolicyPublished, {
      policyName: name,
      version: 2,
      document: { tiers: { prod: { ...prod, requiredChecks: ['load-test', 'migration-rehearsal'] } }, freezeRules: [] },
      reason: { kind: 'retrospective-action', ref: `${id}/${itemId}`, description },
      publishedBy: 'rm-1',
      publishedAt: specNow.toISOString(),
    });
  const adopted = (id: string, itemId: string, policyName: string) =>
    event(RetrospectiveItemAdopted, {
      retrospectiveId: id,
      itemId,
      check: 'migration-rehearsal',
      policyName,
      policyVersion: 2,
      adoptedBy: 'rm-1',
    });

  it('an action becomes a required check: a new policy version citing it, recorded on the retrospective', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    const policy = freshPolicy();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId))
      .given(deploymentPolicyStream(policy), v1(policy))
      .when(adopt(r.id, actionId, policy))
      .then({
        status: 200,
        body: { policyVersion: 2 },
        events: {
          [deploymentPolicyStream(policy)]: [v2(policy, r.id, actionId, 'Rehearse migrations')],
          [r.stream]: [adopted(r.id, actionId, policy)],
        },
      });
  });

  it('feedback from operations becomes a required check the same way', async () => {
    const r = freshRetrospective();
    const feedbackId = randomUUID();
    const policy = freshPolicy();
    const description = 'Operations had no runbook for the index rebuild';
    await s
      .spec()
      .given(
        r.stream,
        r.recorded,
        event(RetrospectiveFeedbackAdded, {
          retrospectiveId: r.id,
          feedbackId,
          source: 'operations',
          description,
          submittedBy: 'ops-1',
        }),
      )
      .given(deploymentPolicyStream(policy), v1(policy))
      .when(adopt(r.id, feedbackId, policy))
      .then({
        status: 200,
        events: {
          [deploymentPolicyStream(policy)]: [v2(policy, r.id, feedbackId, description)],
          [r.stream]: [adopted(r.id, feedbackId, policy)],
        },
      });
  });

  it('409 GOVERNANCE_RETROSPECTIVE_ITEM_ALREADY_ADOPTED the second time, changing neither stream', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    const policy = freshPolicy();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId), adopted(r.id, actionId, policy))
      .given(deploymentPolicyStream(policy), v1(policy), v2(policy, r.id, actionId, 'Rehearse migrations'))
      .when(adopt(r.id, actionId, policy))
      .then({ status: 409, code: Codes.RETROSPECTIVE_ITEM_ALREADY_ADOPTED });
  });

  it('completes an adoption interrupted after the policy changed (the version citing the item is the answer)', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    const policy = freshPolicy();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId))
      .given(deploymentPolicyStream(policy), v1(policy), v2(policy, r.id, actionId, 'Rehearse migrations'))
      .when(adopt(r.id, actionId, policy))
      .then({ status: 200, body: { policyVersion: 2 }, events: { [r.stream]: [adopted(r.id, actionId, policy)] } });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_ITEM_NOT_FOUND and GOVERNANCE_POLICY_NOT_FOUND', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId))
      .when(adopt(r.id, randomUUID(), freshPolicy()))
      .then({ status: 404, code: Codes.RETROSPECTIVE_ITEM_NOT_FOUND });
    const missing = freshPolicy();
    await s
      .spec()
      .given(r.stream)
      .given(deploymentPolicyStream(missing))
      .when(adopt(r.id, actionId, missing))
      .then({ status: 404, code: Codes.POLICY_NOT_FOUND });
  });

  it('422 GOVERNANCE_POLICY_TIER_NOT_COVERED for a tier the policy has no rules for', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    const policy = freshPolicy();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId))
      .given(deploymentPolicyStream(policy), v1(policy))
      .when(adopt(r.id, actionId, policy, ['staging']))
      .then({ status: 422, code: Codes.POLICY_TIER_NOT_COVERED });
  });
});
