import { AccessReviewItemDecided, accessReviewStream, GovernanceErrorCodes as Codes } from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AccessFixture, hoursAfter, startAccess } from '../test-support/access-fixture.js';
import { campaignOpened, reviewItem } from '../test-support/campaign-history.js';

describe('POST /access-reviews/:id/items/:grantId/decision', () => {
  let f: AccessFixture;
  let reviewer: { authorization: string };
  const g1 = crypto.randomUUID();
  const g2 = crypto.randomUUID();
  const items = [reviewItem(g1, 'alice', 'reviewer-1'), reviewItem(g2, 'bob', 'reviewer-2')];
  beforeAll(async () => {
    f = await startAccess('decideReviewItem');
    // The specifications state campaigns past their due date: the closer must not close them meanwhile.
    await f.runtime.accessReviews.stop();
    reviewer = await f.auth('reviewer-1', ['developer']);
    f.clock.now = hoursAfter(2);
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });
  const decide = (id: string, grantId: string, as?: { authorization: string }) => async () => ({
    method: 'POST' as const,
    url: `/access-reviews/${id}/items/${grantId}/decision`,
    headers: as ?? reviewer,
    payload: { decision: 'revoke', justification: 'no longer on the team' },
  });
  const decidedEvent = (id: string) =>
    event(AccessReviewItemDecided, {
      campaignId: id,
      grantId: g1,
      decision: 'revoke',
      justification: 'no longer on the team',
      decidedBy: 'reviewer-1',
      decidedAt: hoursAfter(2).toISOString(),
    });

  it("records the item's reviewer's decision (whatever their roles): AccessReviewItemDecided", async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, items, hoursAfter(48)))
      .when(decide(id, g1))
      .then({
        status: 200,
        body: { status: 'open', items: [{ grantId: g1, decision: { decision: 'revoke' } }, { decision: null }] },
        events: { [accessReviewStream(id)]: [decidedEvent(id)] },
      });
  });

  it("403 GOVERNANCE_ACCESS_REVIEW_NOT_REVIEWER for anyone but the item's reviewer, an admin too", async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, items, hoursAfter(48)))
      .when(decide(id, g2))
      .then({ status: 403, code: Codes.ACCESS_REVIEW_NOT_REVIEWER });
    await httpSpecification(f)
      .given(accessReviewStream(id))
      .when(decide(id, g1, f.admin))
      .then({ status: 403, code: Codes.ACCESS_REVIEW_NOT_REVIEWER });
  });

  it('409 GOVERNANCE_ACCESS_REVIEW_ALREADY_DECIDED the second time', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, items, hoursAfter(48)), decidedEvent(id))
      .when(decide(id, g1))
      .then({ status: 409, code: Codes.ACCESS_REVIEW_ALREADY_DECIDED });
  });

  it('409 GOVERNANCE_ACCESS_REVIEW_PAST_DUE after the due date', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, items, hoursAfter(1)))
      .when(decide(id, g1))
      .then({ status: 409, code: Codes.ACCESS_REVIEW_PAST_DUE });
  });

  it('404 for a grant that is not an item, and for a campaign never opened', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(accessReviewStream(id), campaignOpened(id, items, hoursAfter(48)))
      .when(decide(id, crypto.randomUUID()))
      .then({ status: 404, code: Codes.ACCESS_REVIEW_ITEM_UNKNOWN });
    await httpSpecification(f)
      .when(decide(crypto.randomUUID(), g1))
      .then({ status: 404, code: Codes.ACCESS_REVIEW_NOT_FOUND });
  });
});
