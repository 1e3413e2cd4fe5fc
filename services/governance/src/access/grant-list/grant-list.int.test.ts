import { GovernanceErrorCodes as Codes, ErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessFixture, hoursAfter, startAccess, until } from '../test-support/access-fixture.js';

// GET /grants (the list over governance's ledger) and GET /grants/:grantId (the stream, with its history).
describe('GET /grants', () => {
  let f: AccessFixture;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    f = await startAccess('grantList');
    await f.registerEnvironment('checkout-prod', 'prod');
    await f.registerEnvironment('checkout-staging', 'staging');
    let hour = 0;
    for (const [principal, privilege, scope, expiresAt] of [
      ['alice', 'deploy', { environment: 'checkout-prod' }, null],
      ['bob', 'deploy', { tier: 'prod' }, null],
      ['alice', 'approve', { environment: 'checkout-staging' }, null],
      ['carol', 'deploy', { environment: 'checkout-prod' }, hoursAfter(5).toISOString()],
    ] as const) {
      f.clock.now = hoursAfter(hour++);
      const r = await f.call('POST', '/grants', f.admin, { principal, privilege, scope, expiresAt, reason: 'duty' });
      expect(r.statusCode, r.body).toBe(201);
      ids[`${principal}-${privilege}`] = r.json().grantId;
    }
    f.clock.now = hoursAfter(6);
    await f.call('POST', `/grants/${ids['alice-approve']}/revoke`, f.admin, { reason: 'not needed' });
    // All four issued and the revocation learnt: two active alone could also be a ledger that has not yet
    // learnt alice's approve grant at all.
    await until(
      'the ledger',
      async () => {
        const all = (await f.call('GET', '/grants', f.admin)).json().items as { active: boolean }[];
        return { total: all.length, active: all.filter((g) => g.active).length };
      },
      (n: { total: number; active: number }) => n.total === 4 && n.active === 2,
    );
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });
  const list = async (query: string) => {
    const r = await f.call('GET', `/grants?${query}`, f.admin);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { items: { grantId: string; active: boolean }[]; nextCursor: string | null };
  };

  it('filters by principal, privilege, environment (by name or tier) and whether the grant holds now', async () => {
    expect((await list('principal=alice')).items.map((i) => i.grantId)).toEqual([
      ids['alice-deploy'],
      ids['alice-approve'],
    ]);
    expect((await list('privilege=approve')).items.map((i) => i.grantId)).toEqual([ids['alice-approve']]);
    expect((await list('environment=checkout-prod')).items.map((i) => i.grantId)).toEqual([
      ids['alice-deploy'],
      ids['bob-deploy'],
      ids['carol-deploy'],
    ]);
    // carol's expired at 5h, alice's approve was revoked.
    expect((await list('active=true')).items.map((i) => i.grantId)).toEqual([ids['alice-deploy'], ids['bob-deploy']]);
    expect((await list('active=false')).items.map((i) => i.grantId)).toEqual([
      ids['alice-approve'],
      ids['carol-deploy'],
    ]);
  });

  it('pages with a cursor', async () => {
    const first = await list('limit=3');
    expect(first.items).toHaveLength(3);
    const second = await list(`limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.grantId)).toEqual([ids['carol-deploy']]);
    expect(second.nextCursor).toBeNull();
    const bad = await f.call('GET', '/grants?cursor=bm9wZQ', f.admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe(ErrorCodes.VALIDATION_FAILED);
  });

  it('GET /grants/:grantId folds the stream and shows its history', async () => {
    const r = await f.call('GET', `/grants/${ids['alice-approve']}`, await f.auth('auditor-1', ['auditor']));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      principal: 'alice',
      active: false,
      revoked: { revokedBy: 'admin-1', reason: 'not needed', campaignId: null },
    });
    expect(r.json().history.map((h: { type: string; actor: string }) => [h.type, h.actor])).toEqual([
      ['GrantIssued', 'admin-1'],
      ['GrantRevoked', 'admin-1'],
    ]);
    const missing = await f.call('GET', `/grants/${crypto.randomUUID()}`, f.admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe(Codes.GRANT_NOT_FOUND);
  });
});
