import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes as Codes, ErrorCodes, RetrospectiveFeedbackAdded } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';
import { freshRetrospective, specNow } from '../../test-support/retrospective-spec.js';

describe('POST /retrospectives/:id/feedback', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govAddFeedback', () => specNow);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const feedback = (id: string, source: string) => async () => ({
    method: 'POST' as const,
    url: `/retrospectives/${id}/feedback`,
    headers: await s.as('sre-2', ['sre']),
    payload: { source, description: 'Customers saw stale balances for 20 minutes' },
  });

  it('enters feedback from support as an item with its source', async () => {
    const r = freshRetrospective();
    await s
      .spec()
      .given(r.stream, r.recorded)
      .when(feedback(r.id, 'support'))
      .then({
        status: 201,
        body: { feedback: [{ source: 'support', adopted: null }] },
        events: (res) => ({
          [r.stream]: [
            event(RetrospectiveFeedbackAdded, {
              retrospectiveId: r.id,
              feedbackId: res.json().feedbackId,
              source: 'support',
              description: 'Customers saw stale balances for 20 minutes',
              submittedBy: 'sre-2',
            }),
          ],
        }),
      });
  });

  it('400 for a source other than support or operations', async () => {
    const r = freshRetrospective();
    await s
      .spec()
      .given(r.stream, r.recorded)
      .when(feedback(r.id, 'sales'))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_NOT_FOUND', async () => {
    await s
      .spec()
      .when(feedback(randomUUID(), 'operations'))
      .then({ status: 404, code: Codes.RETROSPECTIVE_NOT_FOUND });
  });
});
