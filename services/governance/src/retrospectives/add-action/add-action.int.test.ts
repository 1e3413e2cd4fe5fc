import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes as Codes, RetrospectiveActionAdded } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';
import { freshRetrospective, specNow } from '../../test-support/retrospective-spec.js';

describe('POST /retrospectives/:id/actions', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govAddAction', () => specNow);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const add = (id: string, dueDate: string) => async () => ({
    method: 'POST' as const,
    url: `/retrospectives/${id}/actions`,
    headers: await s.as('sre-1', ['sre']),
    payload: { description: 'Rehearse migrations', owner: 'dev-lea', dueDate },
  });

  it('adds an action with an owner and a due date (today counts)', async () => {
    const r = freshRetrospective();
    await s
      .spec()
      .given(r.stream, r.recorded)
      .when(add(r.id, '2026-11-02'))
      .then({
        status: 201,
        body: { actions: [{ owner: 'dev-lea', dueDate: '2026-11-02', status: 'open', overdue: false }] },
        events: (res) => ({
          [r.stream]: [
            event(RetrospectiveActionAdded, {
              retrospectiveId: r.id,
              actionId: res.json().actionId,
              description: 'Rehearse migrations',
              owner: 'dev-lea',
              dueDate: '2026-11-02',
              addedBy: 'sre-1',
            }),
          ],
        }),
      });
  });

  it('422 GOVERNANCE_RETROSPECTIVE_ACTION_DUE_IN_PAST, appending nothing', async () => {
    const r = freshRetrospective();
    await s
      .spec()
      .given(r.stream, r.recorded)
      .when(add(r.id, '2026-11-01'))
      .then({ status: 422, code: Codes.RETROSPECTIVE_ACTION_DUE_IN_PAST });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_NOT_FOUND', async () => {
    await s.spec().when(add(randomUUID(), '2026-11-09')).then({ status: 404, code: Codes.RETROSPECTIVE_NOT_FOUND });
  });
});
