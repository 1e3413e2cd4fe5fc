import { GovernanceErrorCodes as Codes, ErrorCodes, IncidentReopened, incidentStream } from '@railyard/contracts';
import { event, toAppend } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';
import { incidentOpened, incidentReopened, incidentResolved, NOW } from '../test-support/incident-history.js';

describe('POST /incidents/:id/reopen', () => {
  let s: GovernanceAppFixture;
  beforeAll(async () => {
    s = await startGovernanceApp('govReopenIncident', () => NOW);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const reopen =
    (id: string, payload: unknown, roles: string[] = ['sre']) =>
    async () => ({
      method: 'POST' as const,
      url: `/incidents/${id}/reopen`,
      headers: await s.as('sre-3', roles),
      payload,
    });
  const reopened = (incidentId: string) =>
    event(IncidentReopened, {
      incidentId,
      reopenedAt: NOW.toISOString(),
      reopenedBy: 'sre-3',
      reason: 'the 5xx came back at peak',
    });

  it('reopens a resolved incident: open again, no longer resolved', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentResolved(id))
      .when(reopen(id, { reason: 'the 5xx came back at peak' }))
      .then({
        status: 200,
        body: { incidentId: id, status: 'open', resolvedAt: null, revision: 2 },
        events: { [incidentStream(id)]: [reopened(id)] },
      });
  });

  it('409 GOVERNANCE_INCIDENT_NOT_RESOLVED for an incident still open, and for one already reopened', async () => {
    const open = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(open), incidentOpened(open))
      .when(reopen(open, { reason: 'again' }))
      .then({ status: 409, code: Codes.INCIDENT_NOT_RESOLVED });
    const back = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(back), incidentOpened(back), incidentResolved(back), incidentReopened(back))
      .when(reopen(back, { reason: 'again' }))
      .then({ status: 409, code: Codes.INCIDENT_NOT_RESOLVED });
  });

  it('404 GOVERNANCE_INCIDENT_NOT_FOUND for an incident never opened', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id))
      .when(reopen(id, { reason: 'the 5xx came back at peak' }))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });

  it('400 RAILYARD_REQUEST_INVALID without a reason', async () => {
    const id = crypto.randomUUID();
    await s.store.append(
      incidentStream(id),
      [toAppend(incidentOpened(id)), toAppend(incidentResolved(id))],
      'noStream',
    );
    for (const bad of [{}, { reason: '' }, { reason: 'x'.repeat(2001) }]) {
      await s
        .spec()
        .given(incidentStream(id))
        .when(reopen(id, bad))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentResolved(id))
      .when(reopen(id, { reason: 'x' }, ['developer']))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
