import { GovernanceErrorCodes as Codes, ErrorCodes, IncidentClassified, incidentStream } from '@railyard/contracts';
import { event, toAppend } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';
import { incidentClassified, incidentOpened, NOW } from '../test-support/incident-history.js';

describe('POST /incidents/:id/classification', () => {
  let s: GovernanceAppFixture;
  beforeAll(async () => {
    s = await startGovernanceApp('govClassifyIncident', () => NOW);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const classify =
    (id: string, payload: unknown, options: { roles?: string[]; headers?: Record<string, string> } = {}) =>
    async () => ({
      method: 'POST' as const,
      url: `/incidents/${id}/classification`,
      headers: { ...(await s.as('lead-1', options.roles ?? ['deployment-lead'])), ...options.headers },
      payload,
    });
  const byConfig = {
    severity: 'SEV1',
    cause: { causeClass: 'change_induced', cause: 'config' },
    missingSafeguard: 'config-validation',
    reason: 'the flag reached every customer at once',
  };

  it('classifies an open incident: severity, cause class and cause, missing safeguard, who and why', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(classify(id, byConfig))
      .then({
        status: 200,
        body: {
          incidentId: id,
          severity: 'SEV1',
          causeClass: 'change_induced',
          cause: 'config',
          missingSafeguard: 'config-validation',
          status: 'open',
          revision: 1,
        },
        events: {
          [incidentStream(id)]: [
            event(IncidentClassified, {
              incidentId: id,
              severity: 'SEV1',
              causeClass: 'change_induced',
              cause: 'config',
              missingSafeguard: 'config-validation',
              classifiedBy: 'lead-1',
              reason: 'the flag reached every customer at once',
            }),
          ],
        },
      });
  });

  it('reclassifies: a cause not yet known (unknown, no cause), no safeguard named (null)', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentClassified(id))
      .when(classify(id, { severity: 'SEV3', cause: { causeClass: 'unknown', cause: null }, reason: 'not a flag' }))
      .then({
        status: 200,
        body: { severity: 'SEV3', causeClass: 'unknown', cause: null, missingSafeguard: null, revision: 2 },
        events: {
          [incidentStream(id)]: [
            event(IncidentClassified, {
              incidentId: id,
              severity: 'SEV3',
              causeClass: 'unknown',
              cause: null,
              missingSafeguard: null,
              classifiedBy: 'lead-1',
              reason: 'not a flag',
            }),
          ],
        },
      });
  });

  it('404 GOVERNANCE_INCIDENT_NOT_FOUND for an incident never opened', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id))
      .when(classify(id, byConfig))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });

  it('412 RAILYARD_PRECONDITION_FAILED on an If-Match that is not the current revision', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentClassified(id))
      .when(classify(id, byConfig, { headers: { 'if-match': '"0"' } }))
      .then({ status: 412, code: ErrorCodes.PRECONDITION_FAILED });
  });

  it('400 RAILYARD_REQUEST_INVALID for a cause outside its class, an unknown cause with one, a bad slug, no reason', async () => {
    const id = crypto.randomUUID();
    await s.store.append(incidentStream(id), [toAppend(incidentOpened(id))], 'noStream');
    for (const bad of [
      { ...byConfig, cause: { causeClass: 'non_change', cause: 'config' } },
      { ...byConfig, cause: { causeClass: 'unknown', cause: 'code' } },
      { ...byConfig, missingSafeguard: 'Config Validation' },
      { ...byConfig, reason: ' ' },
    ]) {
      await s
        .spec()
        .given(incidentStream(id))
        .when(classify(id, bad))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(classify(id, byConfig, { roles: ['developer'] }))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
