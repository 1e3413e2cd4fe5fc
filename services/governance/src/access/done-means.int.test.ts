import { GovernanceErrorCodes as Codes, grantStream } from '@railyard/contracts';
import { findHeldGrant } from '@railyard/service-kit/grants';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessFixture, DAY, hoursAfter, startAccess, T0, until } from './test-support/access-fixture.js';

// Issue 15's done-means for G2, over HTTP and NATS with the real store and bus: who-could for past instants, and a
// campaign that revokes undecided grants on its due date, the revocations reaching an enforcing service's ledger.

describe('who-could for a past instant', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    f = await startAccess('gov-whocould');
    await f.registerEnvironment('checkout-prod', 'prod');
    await f.registerEnvironment('checkout-staging', 'staging');
    const issue = async (at: Date, key: string, body: Record<string, unknown>) => {
      f.clock.now = at;
      const r = await f.call('POST', '/grants', f.admin, { reason: 'on-call rota', ...body });
      expect(r.statusCode, r.body).toBe(201);
      ids[key] = r.json().grantId;
    };
    await issue(T0, 'alice', { principal: 'alice', privilege: 'deploy', scope: { environment: 'checkout-prod' } });
    await issue(hoursAfter(1), 'bob', {
      principal: 'bob',
      privilege: 'deploy',
      scope: { tier: 'prod' },
      expiresAt: hoursAfter(5).toISOString(),
    });
    await issue(hoursAfter(2), 'carol', {
      principal: 'carol',
      privilege: 'deploy',
      scope: { environment: 'checkout-staging' },
    });
    f.clock.now = hoursAfter(3);
    const revoked = await f.call('POST', `/grants/${ids.alice}/revoke`, f.admin, { reason: 'left the team' });
    expect(revoked.statusCode).toBe(200);
    await issue(hoursAfter(4), 'dave', {
      principal: 'dave',
      privilege: 'approve',
      scope: { environment: 'checkout-prod' },
    });
    f.clock.now = hoursAfter(8);
    await until(
      'the ledger to hold all four grants, alice revoked',
      async () => (await f.call('GET', '/grants?limit=10', f.admin)).json().items,
      (items: { principal: string; revokedAt: string | null }[]) =>
        items.length === 4 && items.some((i) => i.principal === 'alice' && i.revokedAt !== null),
    );
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });

  const whoCould = async (at: Date, privilege = 'deploy', environment = 'checkout-prod') => {
    const r = await f.call(
      'GET',
      `/access/who-could?privilege=${privilege}&environment=${environment}&at=${at.toISOString()}`,
      f.admin,
    );
    expect(r.statusCode).toBe(200);
    return r.json() as { tier: string | null; principals: { principal: string; grants: { grantId: string }[] }[] };
  };
  const names = async (at: Date, privilege?: string, environment?: string) =>
    (await whoCould(at, privilege, environment)).principals.map((p) => p.principal);

  it('lists exactly the principals who held deploy on prod at each instant (issue, revoke, expire)', async () => {
    expect(await names(new Date(T0.getTime() - 60_000))).toEqual([]);
    expect(await names(T0)).toEqual(['alice']);
    expect(await names(hoursAfter(1.5))).toEqual(['alice', 'bob']);
    // Revoked at 3h: not holding at that instant; bob's tier grant holds until it expires at 5h.
    expect(await names(hoursAfter(3))).toEqual(['bob']);
    expect(await names(hoursAfter(4.99))).toEqual(['bob']);
    expect(await names(hoursAfter(5))).toEqual([]);
    expect(await names(hoursAfter(7))).toEqual([]);
  });

  it('names the grant by which each held it, and keeps privileges and environments apart', async () => {
    const answer = await whoCould(hoursAfter(1.5));
    expect(answer.tier).toBe('prod');
    expect(answer.principals).toEqual([
      {
        principal: 'alice',
        grants: [expect.objectContaining({ grantId: ids.alice, scope: { environment: 'checkout-prod' } })],
      },
      { principal: 'bob', grants: [expect.objectContaining({ grantId: ids.bob, scope: { tier: 'prod' } })] },
    ]);
    expect(await names(hoursAfter(2.5), 'deploy', 'checkout-staging')).toEqual(['carol']);
    expect(await names(hoursAfter(4.5), 'approve')).toEqual(['dave']);
  });
});

describe('a campaign on its due date', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};
  const reviewer = { authorization: '' };
  let campaignId = '';
  const dueAt = new Date(T0.getTime() + DAY);
  const held = (principal: string, at: Date) =>
    findHeldGrant(f.pool, 'enforcer', { principal, privilege: 'deploy', environment: 'checkout-prod', at });

  beforeAll(async () => {
    f = await startAccess('gov-campaign', { enforcer: 'enforcer' });
    Object.assign(reviewer, await f.auth('reviewer-1', ['auditor']));
    await f.registerEnvironment('checkout-prod', 'prod');
    for (const [principal, privilege, scope] of [
      ['erin', 'deploy', { environment: 'checkout-prod' }],
      ['frank', 'deploy', { tier: 'prod' }],
      ['harry', 'deploy', { environment: 'checkout-prod' }],
      ['gina', 'approve', { environment: 'checkout-prod' }],
    ] as const) {
      const r = await f.call('POST', '/grants', f.admin, { principal, privilege, scope, reason: 'release duty' });
      expect(r.statusCode, r.body).toBe(201);
      ids[principal] = r.json().grantId;
    }
    await until(
      "the four grants in governance's ledger",
      async () => (await f.call('GET', '/grants?active=true', f.admin)).json().items.length,
      (n: number) => n === 4,
    );
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });

  it("opens over the deploy grants, takes the reviewer's keep, and refuses anyone else", async () => {
    f.clock.now = hoursAfter(1);
    const opened = await f.call('POST', '/access-reviews', f.admin, {
      name: 'Q4 prod deployers',
      scope: { privileges: ['deploy'], environments: ['checkout-prod'], tiers: ['prod'] },
      dueAt: dueAt.toISOString(),
      reviewer: { principal: 'reviewer-1' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    campaignId = opened.json().campaignId;
    expect(opened.json()).toMatchObject({ onNoDecision: 'revoke', status: 'open' });
    expect(opened.json().items.map((i: { principal: string }) => i.principal)).toEqual(['erin', 'frank', 'harry']);

    const url = `/access-reviews/${campaignId}/items/${ids.harry}/decision`;
    const byAdmin = await f.call('POST', url, f.admin, { decision: 'revoke', justification: 'not mine to say' });
    expect(byAdmin.statusCode).toBe(403);
    expect(byAdmin.json().code).toBe(Codes.ACCESS_REVIEW_NOT_REVIEWER);
    const kept = await f.call('POST', url, reviewer, { decision: 'keep', justification: 'lead of checkout' });
    expect(kept.statusCode, kept.body).toBe(200);
    // The enforcing service's ledger learnt the grants from the bus.
    await waitFor('the enforcer to hold erin, frank and harry', async () =>
      (await Promise.all(['erin', 'frank', 'harry'].map((p) => held(p, f.clock.now)))).every(Boolean),
    );
  });

  it('revokes the two undecided grants when the service clock reaches the due date', async () => {
    f.clock.now = new Date(dueAt.getTime() + 60_000);
    const closed = await until(
      'the closer to close the campaign',
      async () => (await f.call('GET', `/access-reviews/${campaignId}`, reviewer)).json(),
      (c: { status: string; closed: { revokedGrantIds: string[] } }) => c.status === 'closed',
    );
    expect(closed.closed).toMatchObject({
      closedBy: 'governance',
      closedAt: f.clock.now.toISOString(),
      tally: { kept: 1, revoked: 0, undecidedKept: 0, undecidedRevoked: 2 },
    });
    expect([...closed.closed.revokedGrantIds].sort()).toEqual([ids.erin, ids.frank].sort());

    for (const principal of ['erin', 'frank']) {
      const events = await f.store.readStream(grantStream(ids[principal]!));
      expect(events.map((e) => e.type)).toEqual(['GrantIssued', 'GrantRevoked']);
      expect(events[1]!.data).toMatchObject({ campaignId, revokedBy: 'governance', principal });
    }
    expect((await f.store.readStream(grantStream(ids.harry!))).map((e) => e.type)).toEqual(['GrantIssued']);

    // The revocations reach another service's ledger through grantLedgerConsumers: erin and frank no longer hold.
    await waitFor(
      'the enforcer to learn the revocations',
      async () => (await held('erin', f.clock.now)) === null && (await held('frank', f.clock.now)) === null,
    );
    expect(await held('harry', f.clock.now)).not.toBeNull();
    // History stays answerable: both held before the due date.
    expect(await held('erin', hoursAfter(2))).not.toBeNull();
  });

  it('a second close (by an admin) changes nothing', async () => {
    const before = await f.store.readStream(`accessReview-${campaignId}`);
    const again = await f.call('POST', `/access-reviews/${campaignId}/close`, f.admin);
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('closed');
    expect((await f.store.readStream(`accessReview-${campaignId}`)).length).toBe(before.length);
  });
});
