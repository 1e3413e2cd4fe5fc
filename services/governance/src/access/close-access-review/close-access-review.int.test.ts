import {
  AccessReviewClosed,
  AccessReviewItemDecided,
  accessReviewStream,
  GovernanceErrorCodes as Codes,
  ErrorCodes,
  GrantRevoked,
  grantStream,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessFixture, grantIssued, hoursAfter, startAccess } from '../test-support/access-fixture.js';
import { campaignOpened, reviewItem } from '../test-support/campaign-history.js';

describe('POST /access-reviews/:id/close', () => {
  let f: AccessFixture;
  const due = hoursAfter(24);
  beforeAll(async () => {
    f = await startAccess('closeAccessReview');
    // The route does what the closer would: the closer stays out of the specifications' way.
    await f.runtime.accessReviews.stop();
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });
  const close = (id: string, as?: { authorization: string }) => async () => ({
    method: 'POST' as const,
    url: `/access-reviews/${id}/close`,
    headers: as ?? f.admin,
  });
  const decided = (id: string, grantId: string, decision: 'keep' | 'revoke') =>
    event(AccessReviewItemDecided, {
      campaignId: id,
      grantId,
      decision,
      justification: 'checked',
      decidedBy: 'admin-1',
      decidedAt: hoursAfter(1).toISOString(),
    });
  const revoked = (id: string, grantId: string, principal: string, reason: unknown) =>
    event(GrantRevoked, {
      grantId,
      principal,
      privilege: 'deploy',
      scope: { environment: 'checkout-prod' },
      revokedBy: 'admin-1',
      revokedAt: hoursAfter(25).toISOString(),
      reason,
      campaignId: id,
    });

  it('after the due date: GrantRevoked for revoke decisions and undecided items, then AccessReviewClosed', async () => {
    f.clock.now = hoursAfter(25);
    const id = crypto.randomUUID();
    const [g1, g2, g3] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const items = [reviewItem(g1, 'alice'), reviewItem(g2, 'bob'), reviewItem(g3, 'carol')];
    await httpSpecification(f)
      .given(grantStream(g1), grantIssued(g1, 'alice'))
      .given(grantStream(g2), grantIssued(g2, 'bob'))
      .given(grantStream(g3), grantIssued(g3, 'carol'))
      .given(accessReviewStream(id), campaignOpened(id, items, due), decided(id, g1, 'revoke'), decided(id, g3, 'keep'))
      .when(close(id))
      .then({
        status: 200,
        body: { status: 'closed', closed: { tally: { kept: 1, revoked: 1, undecidedKept: 0, undecidedRevoked: 1 } } },
        events: {
          [grantStream(g1)]: [revoked(id, g1, 'alice', expect.stringContaining('checked'))],
          [grantStream(g2)]: [revoked(id, g2, 'bob', expect.stringContaining('no decision'))],
          [accessReviewStream(id)]: [
            event(AccessReviewClosed, {
              campaignId: id,
              closedBy: 'admin-1',
              closedAt: hoursAfter(25).toISOString(),
              tally: { kept: 1, revoked: 1, undecidedKept: 0, undecidedRevoked: 1 },
              revokedGrantIds: [g1, g2],
            }),
          ],
        },
      });
  });

  it('leaves a grant revoked meanwhile as it is, and closing a closed campaign changes nothing', async () => {
    f.clock.now = hoursAfter(25);
    const id = crypto.randomUUID();
    const g1 = crypto.randomUUID();
    const closedEvent = event(AccessReviewClosed, {
      campaignId: id,
      closedBy: 'governance',
      closedAt: hoursAfter(24).toISOString(),
      tally: { kept: 0, revoked: 0, undecidedKept: 0, undecidedRevoked: 1 },
      revokedGrantIds: [g1],
    });
    await httpSpecification(f)
      .given(grantStream(g1), grantIssued(g1, 'alice'), revoked(id, g1, 'alice', 'by hand'))
      .given(accessReviewStream(id), campaignOpened(id, [reviewItem(g1, 'alice')], due))
      .when(close(id))
      .then({
        status: 200,
        body: { status: 'closed', closed: { revokedGrantIds: [g1] } },
        events: {
          [accessReviewStream(id)]: [
            event(AccessReviewClosed, {
              ...(closedEvent.data as object),
              closedBy: 'admin-1',
              closedAt: hoursAfter(25).toISOString(),
            }),
          ],
        },
      });
    const other = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(other), campaignOpened(other, [], due), {
        ...closedEvent,
        data: { ...(closedEvent.data as object), campaignId: other, revokedGrantIds: [] },
      })
      .when(close(other))
      .then({ status: 200, body: { status: 'closed' } });
  });

  it('409 GOVERNANCE_ACCESS_REVIEW_NOT_DUE before the due date', async () => {
    f.clock.now = hoursAfter(23);
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, [], due))
      .when(close(id))
      .then({ status: 409, code: Codes.ACCESS_REVIEW_NOT_DUE });
  });

  it('404 for a campaign never opened; 403 for anyone but an admin', async () => {
    await httpSpecification(f)
      .when(close(crypto.randomUUID()))
      .then({ status: 404, code: Codes.ACCESS_REVIEW_NOT_FOUND });
    const auditor = await f.auth('auditor-1', ['auditor']);
    await httpSpecification(f)
      .when(close(crypto.randomUUID(), auditor))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
