import { GovernanceErrorCodes as Codes, ErrorCodes, GrantIssued, grantStream } from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AccessFixture, hoursAfter, startAccess, T0 } from '../test-support/access-fixture.js';

describe('POST /grants', () => {
  let f: AccessFixture;
  beforeAll(async () => {
    f = await startAccess('issueGrant');
    await f.registerEnvironment('checkout-prod', 'prod');
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });
  const post = (payload: Record<string, unknown>, as?: { authorization: string }) => async () => ({
    method: 'POST' as const,
    url: '/grants',
    headers: as ?? f.admin,
    payload,
  });
  const body = { principal: 'alice', privilege: 'deploy', scope: { environment: 'checkout-prod' }, reason: 'on call' };

  it('issues a grant on a registered environment, the caller its issuer: GrantIssued', async () => {
    await httpSpecification(f)
      .when(post({ ...body, expiresAt: hoursAfter(24).toISOString() }))
      .then({
        status: 201,
        body: { principal: 'alice', issuedBy: 'admin-1', active: true, revoked: null },
        events: (r) => ({
          [grantStream(r.json().grantId)]: [
            event(GrantIssued, {
              grantId: r.json().grantId,
              ...body,
              issuedBy: 'admin-1',
              issuedAt: T0.toISOString(),
              expiresAt: hoursAfter(24).toISOString(),
            }),
          ],
        }),
      });
  });

  it('issues a grant on a tier, until revoked', async () => {
    await httpSpecification(f)
      .when(post({ ...body, scope: { tier: 'prod' } }))
      .then({
        status: 201,
        body: { scope: { tier: 'prod' }, expiresAt: null },
        events: (r) => ({
          [grantStream(r.json().grantId)]: [
            event(GrantIssued, {
              grantId: r.json().grantId,
              ...body,
              scope: { tier: 'prod' },
              issuedBy: 'admin-1',
              issuedAt: T0.toISOString(),
              expiresAt: null,
            }),
          ],
        }),
      });
  });

  it('422 GOVERNANCE_GRANT_ENVIRONMENT_UNKNOWN for an environment orchestration never registered', async () => {
    await httpSpecification(f)
      .when(post({ ...body, scope: { environment: 'nowhere-prod' } }))
      .then({ status: 422, code: Codes.GRANT_ENVIRONMENT_UNKNOWN });
  });

  it('422 GOVERNANCE_GRANT_EXPIRY_PAST for an expiry not in the future', async () => {
    await httpSpecification(f)
      .when(post({ ...body, expiresAt: T0.toISOString() }))
      .then({ status: 422, code: Codes.GRANT_EXPIRY_PAST });
  });

  it('403 for anyone but an admin', async () => {
    const lead = await f.auth('lead-1', ['deployment-lead', 'release-manager']);
    await httpSpecification(f).when(post(body, lead)).then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });

  it('400 for an unknown privilege or field', async () => {
    await httpSpecification(f)
      .when(post({ ...body, privilege: 'root' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(f)
      .when(post({ ...body, note: 'x' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
