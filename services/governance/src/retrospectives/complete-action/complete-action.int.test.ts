import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes as Codes, RetrospectiveActionCompleted } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';
import { actionAdded, freshRetrospective, specNow } from '../../test-support/retrospective-spec.js';

describe('POST /retrospectives/:id/actions/:actionId/complete', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govCompleteAction', () => specNow);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const complete = (id: string, actionId: string) => async () => ({
    method: 'POST' as const,
    url: `/retrospectives/${id}/actions/${actionId}/complete`,
    headers: await s.as('dev-lea', ['developer']),
    payload: { note: 'Rehearsal job added to the pipeline' },
  });
  const completed = (id: string, actionId: string) =>
    event(RetrospectiveActionCompleted, {
      retrospectiveId: id,
      actionId,
      completedBy: 'dev-lea',
      completedAt: specNow.toISOString(),
      note: 'Rehearsal job added to the pipeline',
    });

  it('marks the action done', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId))
      .when(complete(r.id, actionId))
      .then({
        status: 200,
        body: { actions: [{ actionId, status: 'done', completedBy: 'dev-lea' }] },
        events: { [r.stream]: [completed(r.id, actionId)] },
      });
  });

  it('409 GOVERNANCE_RETROSPECTIVE_ACTION_ALREADY_DONE', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId), completed(r.id, actionId))
      .when(complete(r.id, actionId))
      .then({ status: 409, code: Codes.RETROSPECTIVE_ACTION_ALREADY_DONE });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_ITEM_NOT_FOUND, and GOVERNANCE_RETROSPECTIVE_NOT_FOUND', async () => {
    const r = freshRetrospective();
    await s
      .spec()
      .given(r.stream, r.recorded)
      .when(complete(r.id, randomUUID()))
      .then({ status: 404, code: Codes.RETROSPECTIVE_ITEM_NOT_FOUND });
    await s
      .spec()
      .when(complete(randomUUID(), randomUUID()))
      .then({ status: 404, code: Codes.RETROSPECTIVE_NOT_FOUND });
  });
});
