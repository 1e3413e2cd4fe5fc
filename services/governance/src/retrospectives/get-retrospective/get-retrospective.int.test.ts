import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes as Codes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';
import { actionAdded, freshRetrospective } from '../../test-support/retrospective-spec.js';

describe('GET /retrospectives/:id', () => {
  let s: GovernanceSpecFixture;
  let clock = new Date('2026-11-09T12:00:00.000Z');
  beforeAll(async () => {
    s = await startGovernanceSpecs('govGetRetro', () => clock);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const get = (id: string) => async () => ({
    method: 'GET' as const,
    url: `/retrospectives/${id}`,
    headers: await s.as('ana', ['auditor']),
  });

  it('flags an open action overdue once its due date has passed by the service clock', async () => {
    const r = freshRetrospective();
    const actionId = randomUUID();
    await s
      .spec()
      .given(r.stream, r.recorded, actionAdded(r.id, actionId, '2026-11-09'))
      .when(get(r.id))
      .then({ status: 200, body: (b) => expect(b.actions[0]).toMatchObject({ actionId, overdue: false }) });
    clock = new Date('2026-11-10T00:00:00.000Z');
    await s
      .spec()
      .when(get(r.id))
      .then({
        status: 200,
        body: (b) => expect(b.actions[0]).toMatchObject({ actionId, overdue: true, status: 'open' }),
      });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_NOT_FOUND', async () => {
    await s.spec().when(get(randomUUID())).then({ status: 404, code: Codes.RETROSPECTIVE_NOT_FOUND });
  });
});
