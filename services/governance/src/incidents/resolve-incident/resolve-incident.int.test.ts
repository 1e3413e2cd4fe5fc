import { GovernanceErrorCodes as Codes, ErrorCodes, IncidentResolved, incidentStream } from '@railyard/contracts';
import { event, toAppend } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';
import {
  incidentClassified,
  incidentOpened,
  incidentReopened,
  incidentResolved,
  NOW,
} from '../test-support/incident-history.js';

describe('POST /incidents/:id/resolve', () => {
  let s: GovernanceAppFixture;
  beforeAll(async () => {
    s = await startGovernanceApp('govResolveIncident', () => NOW);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const resolve =
    (id: string, payload: unknown, roles: string[] = ['release-manager']) =>
    async () => ({
      method: 'POST' as const,
      url: `/incidents/${id}/resolve`,
      headers: await s.as('rm-1', roles),
      payload,
    });
  const resolved = (incidentId: string) =>
    event(IncidentResolved, {
      incidentId,
      resolvedAt: NOW.toISOString(),
      resolvedBy: 'rm-1',
      resolution: 'flag turned off, errors gone',
    });

  it('resolves an open incident now, by whom and how', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentClassified(id))
      .when(resolve(id, { resolution: 'flag turned off, errors gone' }))
      .then({
        status: 200,
        body: { incidentId: id, status: 'resolved', resolvedAt: NOW.toISOString(), revision: 2 },
        events: { [incidentStream(id)]: [resolved(id)] },
      });
  });

  it('resolves a reopened incident again', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentResolved(id), incidentReopened(id))
      .when(resolve(id, { resolution: 'flag turned off, errors gone' }))
      .then({
        status: 200,
        body: { status: 'resolved', revision: 3 },
        events: { [incidentStream(id)]: [resolved(id)] },
      });
  });

  it('409 GOVERNANCE_INCIDENT_ALREADY_RESOLVED for a resolved incident', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentResolved(id))
      .when(resolve(id, { resolution: 'again' }))
      .then({ status: 409, code: Codes.INCIDENT_ALREADY_RESOLVED });
  });

  it('404 GOVERNANCE_INCIDENT_NOT_FOUND for an incident never opened', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id))
      .when(resolve(id, { resolution: 'flag turned off, errors gone' }))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });

  it('400 RAILYARD_REQUEST_INVALID for a blank resolution, an unknown field, an id that is no UUID', async () => {
    const id = crypto.randomUUID();
    await s.store.append(incidentStream(id), [toAppend(incidentOpened(id))], 'noStream');
    for (const [target, bad] of [
      [id, { resolution: '  ' }],
      [id, { resolution: 'done', resolvedAt: '2026-11-01T00:00:00Z' }],
      ['INC-1', { resolution: 'done' }],
    ] as const) {
      await s
        .spec()
        .given(incidentStream(id))
        .when(resolve(target, bad))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(resolve(id, { resolution: 'done' }, ['developer']))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
