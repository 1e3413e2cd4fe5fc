import { randomUUID } from 'node:crypto';
import {
  GovernanceErrorCodes as Codes,
  DeploymentPolicyPublished,
  deploymentPolicyStream,
  streamName,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';

const now = new Date('2026-11-20T09:00:00.000Z');
const version = (v: number, publishedAt: string) =>
  event(DeploymentPolicyPublished, {
    policyName: 'governing',
    version: v,
    document: {
      tiers: { prod: { requiredApprovals: v, allowedStrategies: ['canary'], requiredChecks: [] } },
      freezeRules: [],
    },
    reason: { kind: 'regulation', ref: `R-${v}`, description: 'approvals' },
    publishedBy: 'rm-1',
    publishedAt,
  });

describe('GET /policies/:name/versions/:version/releases', () => {
  let s: GovernanceSpecFixture;
  const early = randomUUID();
  const straddling = randomUUID();
  beforeAll(async () => {
    s = await startGovernanceSpecs('govGovernedReleases', () => now);
    const planned = (releaseId: string, at: string, name: string) => ({
      stream: streamName('release', releaseId),
      type: 'ReleasePlanned',
      at,
      data: { releaseId, name, targetDate: '2026-11-30', owner: 'rm-1' },
    });
    await s.facts([
      planned(early, '2026-10-15T10:00:00Z', 'before any policy'),
      planned(straddling, '2026-11-02T10:00:00Z', 'straddling'),
      {
        stream: streamName('release', straddling),
        type: 'ReleaseFrozen',
        at: '2026-11-12T10:00:00Z',
        data: { releaseId: straddling, frozenAt: '2026-11-12T10:00:00Z', scopeItemIds: [randomUUID()] },
      },
    ]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const get = (url: string) => async () => ({ method: 'GET' as const, url, headers: await s.as('ana', ['auditor']) });

  it('lists the releases with a lifecycle moment while each version was in force', async () => {
    await s
      .spec()
      .given(
        deploymentPolicyStream('governing'),
        version(1, '2026-11-01T00:00:00.000Z'),
        version(2, '2026-11-10T00:00:00.000Z'),
      )
      .when(get('/policies/governing/versions/1/releases'))
      .then({
        status: 200,
        body: (b) => {
          expect(b.until).toBe('2026-11-10T00:00:00.000Z');
          expect(b.releases).toEqual([
            {
              releaseId: straddling,
              name: 'straddling',
              status: 'frozen',
              events: [{ event: 'planned', at: '2026-11-02T10:00:00.000Z', deploymentId: null }],
            },
          ]);
        },
      });
    await s
      .spec()
      .when(get('/policies/governing/versions/2/releases'))
      .then({
        status: 200,
        body: (b) => {
          expect(b.until).toBeNull();
          expect(
            b.releases.map((r: { releaseId: string; events: { event: string }[] }) => [
              r.releaseId,
              r.events.map((e) => e.event),
            ]),
          ).toEqual([[straddling, ['frozen']]]);
        },
      });
  });

  it('404 GOVERNANCE_POLICY_VERSION_NOT_FOUND and GOVERNANCE_POLICY_NOT_FOUND', async () => {
    await s
      .spec()
      .when(get('/policies/governing/versions/7/releases'))
      .then({ status: 404, code: Codes.POLICY_VERSION_NOT_FOUND });
    await s
      .spec()
      .when(get('/policies/absent/versions/1/releases'))
      .then({ status: 404, code: Codes.POLICY_NOT_FOUND });
  });
});
