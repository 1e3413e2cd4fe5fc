import {
  DeploymentPolicyPublished,
  deploymentPolicyStream,
  ErrorCodes,
  GovernanceErrorCodes,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';

const now = new Date('2026-11-02T09:00:00.000Z');
const document = {
  tiers: { prod: { requiredApprovals: 2, allowedStrategies: ['canary'], requiredChecks: ['load-test'] } },
  freezeRules: [],
};
const reason = { kind: 'audit-finding', ref: 'AUD-2026-7', description: 'Prod changes had a single approver.' };
const v1 = (name: string) =>
  event(DeploymentPolicyPublished, {
    policyName: name,
    version: 1,
    document,
    reason,
    publishedBy: 'rm-1',
    publishedAt: now.toISOString(),
  });
let n = 0;
const fresh = () => `policy${++n}`;

describe('POST /policies/:name/versions', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govPublishPolicy', () => now);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const publish =
    (name: string, payload: unknown, headers: Record<string, string> = {}) =>
    async () => ({
      method: 'POST' as const,
      url: `/policies/${name}/versions`,
      headers: { ...(await s.as('rm-1', ['release-manager'])), ...headers },
      payload,
    });

  it('publishes version 1 of a new policy with its reason', async () => {
    const name = fresh();
    await s
      .spec()
      .given(deploymentPolicyStream(name))
      .when(publish(name, { document, reason, baseVersion: 0 }))
      .then({
        status: 201,
        body: { policyName: name, version: 1, reason, supersededAt: null },
        events: { [deploymentPolicyStream(name)]: [v1(name)] },
      });
  });

  it('publishes the next version from the current base', async () => {
    const name = fresh();
    const next = {
      ...document,
      freezeRules: [
        {
          name: 'year end',
          tiers: ['prod'],
          from: '2026-12-20T00:00:00Z',
          to: '2027-01-04T00:00:00Z',
          reason: 'books',
        },
      ],
    };
    const threat = { kind: 'threat', ref: 'THR-12', description: 'Year-end changes are the riskiest.' };
    await s
      .spec()
      .given(deploymentPolicyStream(name), v1(name))
      .when(publish(name, { document: next, reason: threat, baseVersion: 1 }))
      .then({
        status: 201,
        body: { version: 2 },
        events: {
          [deploymentPolicyStream(name)]: [
            event(DeploymentPolicyPublished, {
              policyName: name,
              version: 2,
              document: next,
              reason: threat,
              publishedBy: 'rm-1',
              publishedAt: now.toISOString(),
            }),
          ],
        },
      });
  });

  it('409 GOVERNANCE_POLICY_VERSION_STALE when edited from an older version', async () => {
    const name = fresh();
    await s
      .spec()
      .given(deploymentPolicyStream(name), v1(name))
      .when(
        publish(name, {
          document: { ...document, freezeRules: [], tiers: { staging: document.tiers.prod } },
          reason,
          baseVersion: 0,
        }),
      )
      .then({ status: 409, code: GovernanceErrorCodes.POLICY_VERSION_STALE, body: { currentVersion: 1 } });
  });

  it('412 on an If-Match that is not the current revision', async () => {
    const name = fresh();
    await s
      .spec()
      .given(deploymentPolicyStream(name), v1(name))
      .when(
        publish(
          name,
          { document: { ...document, tiers: { staging: document.tiers.prod } }, reason },
          { 'if-match': '"5"' },
        ),
      )
      .then({ status: 412, code: ErrorCodes.PRECONDITION_FAILED });
  });

  it('409 GOVERNANCE_POLICY_UNCHANGED for the document in force', async () => {
    const name = fresh();
    await s
      .spec()
      .given(deploymentPolicyStream(name), v1(name))
      .when(publish(name, { document, reason }))
      .then({ status: 409, code: GovernanceErrorCodes.POLICY_UNCHANGED });
  });

  it('400 for an invalid document: an unknown strategy, a freeze ending before it starts, no tier', async () => {
    const name = fresh();
    for (const bad of [
      { ...document, tiers: { prod: { ...document.tiers.prod, allowedStrategies: ['big-bang'] } } },
      {
        ...document,
        freezeRules: [
          { name: 'x', tiers: ['prod'], from: '2026-12-20T00:00:00Z', to: '2026-12-01T00:00:00Z', reason: 'r' },
        ],
      },
      { tiers: {}, freezeRules: [] },
    ]) {
      await s
        .spec()
        .given(deploymentPolicyStream(name))
        .when(publish(name, { document: bad, reason }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('400 for a reason that is not one of the four kinds', async () => {
    const name = fresh();
    await s
      .spec()
      .given(deploymentPolicyStream(name))
      .when(publish(name, { document, reason: { kind: 'whim', ref: 'x', description: 'y' } }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
