import { GovernanceErrorCodes as Codes, GrantRevoked, grantStream } from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AccessFixture, grantIssued, hoursAfter, startAccess } from '../test-support/access-fixture.js';

describe('POST /grants/:grantId/revoke', () => {
  let f: AccessFixture;
  beforeAll(async () => {
    f = await startAccess('revokeGrant');
    f.clock.now = hoursAfter(2);
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });
  const revoke = (id: string) => async () => ({
    method: 'POST' as const,
    url: `/grants/${id}/revoke`,
    headers: f.admin,
    payload: { reason: 'left the team' },
  });
  const revokedEvent = (id: string) =>
    event(GrantRevoked, {
      grantId: id,
      principal: 'alice',
      privilege: 'deploy',
      scope: { environment: 'checkout-prod' },
      revokedBy: 'admin-1',
      revokedAt: hoursAfter(2).toISOString(),
      reason: 'left the team',
      campaignId: null,
    });

  it('revokes it now: GrantRevoked, no campaign', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(grantStream(id), grantIssued(id, 'alice'))
      .when(revoke(id))
      .then({
        status: 200,
        body: { grantId: id, active: false, revoked: { revokedBy: 'admin-1', campaignId: null } },
        events: { [grantStream(id)]: [revokedEvent(id)] },
      });
  });

  it('409 GOVERNANCE_GRANT_ALREADY_REVOKED the second time', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(grantStream(id), grantIssued(id, 'alice'), { ...revokedEvent(id), at: hoursAfter(1) })
      .when(revoke(id))
      .then({ status: 409, code: Codes.GRANT_ALREADY_REVOKED });
  });

  it('404 GOVERNANCE_GRANT_NOT_FOUND for a grant never issued', async () => {
    await httpSpecification(f).when(revoke(crypto.randomUUID())).then({ status: 404, code: Codes.GRANT_NOT_FOUND });
  });
});
