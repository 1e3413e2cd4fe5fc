import {
  AccessReviewOpened,
  accessReviewStream,
  GovernanceErrorCodes as Codes,
  ErrorCodes,
  grantStream,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AccessFixture, grantIssued, hoursAfter, startAccess, T0 } from '../test-support/access-fixture.js';

describe('POST /access-reviews', () => {
  let f: AccessFixture;
  const [alice, bob, carol, dave] = [
    crypto.randomUUID(),
    crypto.randomUUID(),
    crypto.randomUUID(),
    crypto.randomUUID(),
  ];
  beforeAll(async () => {
    f = await startAccess('openAccessReview');
    // The grants a campaign snapshots: in governance's ledger before the request (the projection fills it).
    await httpSpecification(f)
      .given(grantStream(alice), grantIssued(alice, 'alice'))
      .given(
        grantStream(bob),
        grantIssued(bob, 'bob', { privilege: 'approve', scope: { tier: 'prod' }, issuedBy: 'admin-2' }),
      )
      .given(grantStream(carol), grantIssued(carol, 'carol', { scope: { environment: 'checkout-staging' } }))
      .given(grantStream(dave), grantIssued(dave, 'dave', { expiresAt: hoursAfter(1) }))
      .when({ method: 'GET', url: '/health/live' })
      .then({ status: 200 });
    await f.until(
      'the ledger',
      'SELECT count(*)::int AS n FROM governance.grant_ledger',
      (r: { n: number }) => r.n === 4,
    );
    f.clock.now = hoursAfter(2);
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });
  const open = (payload: Record<string, unknown>, as?: { authorization: string }) => async () => ({
    method: 'POST' as const,
    url: '/access-reviews',
    headers: as ?? f.admin,
    payload,
  });
  const item = (grantId: string, principal: string, extra: Record<string, unknown> = {}) => ({
    grantId,
    principal,
    privilege: 'deploy',
    scope: { environment: 'checkout-prod' },
    issuedBy: 'admin-1',
    expiresAt: null,
    reviewer: 'admin-1',
    ...extra,
  });

  // Grants issued at the same instant are snapshotted in grant id order.
  const byGrant = <T extends { grantId: string }>(items: T[]) =>
    items.sort((a, b) => a.grantId.localeCompare(b.grantId));

  it('snapshots the deploy grants holding now (not an expired one), each reviewed by its issuer', async () => {
    const body = {
      name: 'Q4 deployers',
      scope: { privileges: ['deploy'] },
      dueAt: hoursAfter(48).toISOString(),
      reviewer: 'issuer',
    };
    await httpSpecification(f)
      .when(open(body))
      .then({
        status: 201,
        body: { status: 'open', onNoDecision: 'revoke' },
        events: (r) => ({
          [accessReviewStream(r.json().campaignId)]: [
            event(AccessReviewOpened, {
              campaignId: r.json().campaignId,
              ...body,
              onNoDecision: 'revoke',
              items: byGrant([
                item(alice, 'alice'),
                item(carol, 'carol', { scope: { environment: 'checkout-staging' } }),
              ]),
              openedBy: 'admin-1',
              openedAt: hoursAfter(2).toISOString(),
            }),
          ],
        }),
      });
  });

  it('scopes by environments or tiers, with a named reviewer and onNoDecision=keep', async () => {
    const body = {
      name: 'prod',
      scope: { environments: ['checkout-prod'], tiers: ['prod'] },
      dueAt: hoursAfter(48).toISOString(),
      reviewer: { principal: 'auditor-9' },
      onNoDecision: 'keep',
    };
    await httpSpecification(f)
      .when(open(body, await f.auth('auditor-1', ['auditor'])))
      .then({
        status: 201,
        events: (r) => ({
          [accessReviewStream(r.json().campaignId)]: [
            event(AccessReviewOpened, {
              campaignId: r.json().campaignId,
              ...body,
              items: byGrant([
                item(alice, 'alice', { reviewer: 'auditor-9' }),
                item(bob, 'bob', {
                  privilege: 'approve',
                  scope: { tier: 'prod' },
                  issuedBy: 'admin-2',
                  reviewer: 'auditor-9',
                }),
              ]),
              openedBy: 'auditor-1',
              openedAt: hoursAfter(2).toISOString(),
            }),
          ],
        }),
      });
  });

  it('422 GOVERNANCE_ACCESS_REVIEW_DUE_PAST for a due date not in the future', async () => {
    await httpSpecification(f)
      .when(open({ name: 'late', scope: {}, dueAt: T0.toISOString(), reviewer: 'issuer' }))
      .then({ status: 422, code: Codes.ACCESS_REVIEW_DUE_PAST });
  });

  it('403 for a role that does not run reviews; 400 for a bad reviewer rule', async () => {
    await httpSpecification(f)
      .when(
        open(
          { name: 'x', scope: {}, dueAt: hoursAfter(48).toISOString(), reviewer: 'issuer' },
          await f.auth('dev-1', ['developer']),
        ),
      )
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
    await httpSpecification(f)
      .when(open({ name: 'x', scope: {}, dueAt: hoursAfter(48).toISOString(), reviewer: 'someone' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
