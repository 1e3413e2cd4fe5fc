import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessFixture, DAY, startAccess, T0 } from '../test-support/access-fixture.js';

// Stale privileges from the uses governance learns over the bus: pipeline's DeploymentRequested (by its actor) and
// ApprovalGranted (by its approver, on the environment of the stage's ApprovalRequested).
describe('GET /access/stale', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};
  const dayAfter = (d: number) => new Date(T0.getTime() + d * DAY);
  beforeAll(async () => {
    f = await startAccess('staleGrants');
    await f.registerEnvironment('checkout-prod', 'prod');
    await f.registerEnvironment('checkout-eu', 'prod');
    await f.registerEnvironment('checkout-staging', 'staging');
    for (const [principal, privilege, scope] of [
      ['alice', 'deploy', { environment: 'checkout-prod' }],
      ['bob', 'deploy', { tier: 'prod' }],
      ['carol', 'approve', { environment: 'checkout-prod' }],
      ['dave', 'deploy', { environment: 'checkout-prod' }],
      ['erin', 'deploy', { environment: 'checkout-prod' }],
    ] as const) {
      const r = await f.call('POST', '/grants', f.admin, { principal, privilege, scope, reason: 'release duty' });
      expect(r.statusCode, r.body).toBe(201);
      ids[principal] = r.json().grantId;
    }
    f.clock.now = dayAfter(1);
    expect((await f.call('POST', `/grants/${ids.erin}/revoke`, f.admin, { reason: 'moved on' })).statusCode).toBe(200);
    await f.deploymentRequested('alice', 'checkout-prod', dayAfter(10));
    await f.deploymentRequested('bob', 'checkout-eu', dayAfter(2));
    await f.approvalGranted('carol', 'checkout-prod', dayAfter(9));
    // dave deployed, but not where his grant applies.
    await f.deploymentRequested('dave', 'checkout-staging', dayAfter(10));
    await f.until(
      'the four uses',
      'SELECT count(*)::int AS n FROM governance.access_uses',
      (r: { n: number }) => r.n === 4,
    );
    await f.until(
      'the ledger',
      'SELECT count(*)::int AS n FROM governance.grant_ledger WHERE revoked_at IS NOT NULL',
      (r: { n: number }) => r.n === 1,
    );
    f.clock.now = dayAfter(12);
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });
  const stale = async (query: string) => {
    const r = await f.call('GET', `/access/stale?${query}`, f.admin);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      since: string;
      items: { principal: string; grantId: string; lastUse: { at: string; environment: string } | null }[];
    };
  };

  it('flags grants unused for N days, with their last use (a tier grant used on any environment of its tier)', async () => {
    const answer = await stale('days=5');
    expect(answer.since).toBe(dayAfter(7).toISOString());
    expect(answer.items).toEqual([
      expect.objectContaining({
        principal: 'bob',
        grantId: ids.bob,
        lastUse: expect.objectContaining({ at: dayAfter(2).toISOString(), environment: 'checkout-eu' }),
      }),
      expect.objectContaining({ principal: 'dave', grantId: ids.dave, lastUse: null }),
    ]);
  });

  it('counts approvals as uses of approve, on the environment of the approval stage', async () => {
    const answer = await stale('days=1&privilege=approve');
    expect(answer.items).toEqual([
      expect.objectContaining({
        principal: 'carol',
        lastUse: expect.objectContaining({ at: dayAfter(9).toISOString(), environment: 'checkout-prod' }),
      }),
    ]);
    expect((await stale('days=1')).items.map((i) => i.principal)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('does not flag grants younger than N days, nor revoked ones', async () => {
    expect((await stale('days=30')).items).toEqual([]);
    expect((await stale('days=1')).items.map((i) => i.principal)).not.toContain('erin');
  });

  it('400 without days', async () => {
    const r = await f.call('GET', '/access/stale', f.admin);
    expect(r.statusCode).toBe(400);
  });
});
