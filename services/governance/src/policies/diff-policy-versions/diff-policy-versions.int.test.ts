import { DeploymentPolicyPublished, deploymentPolicyStream, GovernanceErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';

const now = new Date('2026-11-02T09:00:00.000Z');
const prod = { requiredApprovals: 1, allowedStrategies: ['canary'], requiredChecks: [] as string[] };
const version = (v: number, document: object, kind = 'regulation') =>
  event(DeploymentPolicyPublished, {
    policyName: 'diffed',
    version: v,
    document,
    reason: { kind, ref: `REF-${v}`, description: `change ${v}` },
    publishedBy: 'rm-1',
    publishedAt: new Date(now.getTime() + v * 60_000).toISOString(),
  });

describe('GET /policies/:name/diff and /policies/:name/versions', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govDiffPolicy', () => now);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const get = (url: string) => async () => ({ method: 'GET' as const, url, headers: await s.as('ana', ['auditor']) });

  it('lists the changes between two versions and the reasons that brought them', async () => {
    await s
      .spec()
      .given(
        deploymentPolicyStream('diffed'),
        version(1, { tiers: { prod }, freezeRules: [] }),
        version(2, { tiers: { prod: { ...prod, requiredApprovals: 2 } }, freezeRules: [] }, 'audit-finding'),
        version(
          3,
          { tiers: { prod: { ...prod, requiredApprovals: 2, requiredChecks: ['load-test'] } }, freezeRules: [] },
          'threat',
        ),
      )
      .when(get('/policies/diffed/diff?from=1&to=3'))
      .then({
        status: 200,
        body: (body) => {
          expect(body.changes).toEqual([
            { type: 'CHANGE', path: ['tiers', 'prod', 'requiredApprovals'], oldValue: 1, value: 2 },
            { type: 'CREATE', path: ['tiers', 'prod', 'requiredChecks', 0], value: 'load-test' },
          ]);
          expect(
            body.reasons.map((r: { version: number; reason: { kind: string } }) => [r.version, r.reason.kind]),
          ).toEqual([
            [2, 'audit-finding'],
            [3, 'threat'],
          ]);
        },
      });
    await s
      .spec()
      .when(get('/policies/diffed/versions'))
      .then({
        status: 200,
        body: (body) => {
          expect(body.current).toBe(3);
          expect(body.versions.map((v: { supersededAt: string | null }) => v.supersededAt)).toEqual([
            new Date(now.getTime() + 2 * 60_000).toISOString(),
            new Date(now.getTime() + 3 * 60_000).toISOString(),
            null,
          ]);
        },
      });
  });

  it('404 GOVERNANCE_POLICY_VERSION_NOT_FOUND for a version that does not exist', async () => {
    await s
      .spec()
      .when(get('/policies/diffed/diff?from=1&to=9'))
      .then({ status: 404, code: GovernanceErrorCodes.POLICY_VERSION_NOT_FOUND });
    await s
      .spec()
      .when(get('/policies/diffed/versions/9'))
      .then({ status: 404, code: GovernanceErrorCodes.POLICY_VERSION_NOT_FOUND });
  });

  it('404 GOVERNANCE_POLICY_NOT_FOUND for a policy never published', async () => {
    await s
      .spec()
      .when(get('/policies/nothing/diff?from=1&to=2'))
      .then({ status: 404, code: GovernanceErrorCodes.POLICY_NOT_FOUND });
    await s
      .spec()
      .when(get('/policies/nothing/versions'))
      .then({ status: 404, code: GovernanceErrorCodes.POLICY_NOT_FOUND });
  });
});
