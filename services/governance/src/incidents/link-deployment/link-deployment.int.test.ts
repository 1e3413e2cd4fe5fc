import { GovernanceErrorCodes as Codes, ErrorCodes, IncidentLinked, incidentStream } from '@railyard/contracts';
import { event, toAppend } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';
import { deploymentSucceeded, incidentLinked, incidentOpened, NOW } from '../test-support/incident-history.js';

describe('POST /incidents/:id/links', () => {
  let s: GovernanceAppFixture;
  // Deployments governance knows: orchestration's events, folded into reporting.deployments.
  const known = deploymentSucceeded();
  const remedy = deploymentSucceeded();
  const knownId = known.data.deploymentId as string;
  const remedyId = remedy.data.deploymentId as string;
  beforeAll(async () => {
    s = await startGovernanceApp('govLinkDeployment', () => NOW);
    await s.deployments([known, remedy]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const link =
    (id: string, payload: unknown, roles: string[] = ['sre']) =>
    async () => ({
      method: 'POST' as const,
      url: `/incidents/${id}/links`,
      headers: await s.as('sre-2', roles),
      payload,
    });
  const linked = (incidentId: string, deploymentId: string, role: 'cause' | 'remediation', reason: string) =>
    event(IncidentLinked, { incidentId, deploymentId, role, reason, linkedBy: 'sre-2' });

  it('attributes the incident to a known deployment, as its cause unless said', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(link(id, { deploymentId: knownId, reason: 'errors began with its canary' }))
      .then({
        status: 200,
        body: {
          incidentId: id,
          links: [{ deploymentId: knownId, role: 'cause', reason: 'errors began with its canary', linkedBy: 'sre-2' }],
          revision: 1,
        },
        events: { [incidentStream(id)]: [linked(id, knownId, 'cause', 'errors began with its canary')] },
      });
  });

  it('records a remediation beside the cause, and the same deployment in the other role', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentLinked(id, knownId))
      .when(link(id, { deploymentId: remedyId, role: 'remediation', reason: 'rolled forward to 2.0.1' }))
      .then({
        status: 200,
        body: {
          links: [
            { deploymentId: knownId, role: 'cause' },
            { deploymentId: remedyId, role: 'remediation' },
          ],
        },
        events: { [incidentStream(id)]: [linked(id, remedyId, 'remediation', 'rolled forward to 2.0.1')] },
      });
    await s
      .spec()
      .given(incidentStream(id))
      .when(link(id, { deploymentId: knownId, role: 'remediation', reason: 'its hotfix flag' }))
      .then({
        status: 200,
        events: { [incidentStream(id)]: [linked(id, knownId, 'remediation', 'its hotfix flag')] },
      });
  });

  it('409 GOVERNANCE_INCIDENT_LINK_DUPLICATE for a deployment already linked in that role', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id), incidentLinked(id, knownId))
      .when(link(id, { deploymentId: knownId, role: 'cause', reason: 'again' }))
      .then({ status: 409, code: Codes.LINK_DUPLICATE });
  });

  it('422 GOVERNANCE_DEPLOYMENT_UNKNOWN for a deployment governance never heard of', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(link(id, { deploymentId: crypto.randomUUID(), reason: 'a guess' }))
      .then({ status: 422, code: Codes.DEPLOYMENT_UNKNOWN });
  });

  it('404 GOVERNANCE_INCIDENT_NOT_FOUND for an incident never opened', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id))
      .when(link(id, { deploymentId: knownId, reason: 'errors began with its canary' }))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });

  it('400 RAILYARD_REQUEST_INVALID for a deployment id that is no UUID, an unknown role, no reason', async () => {
    const id = crypto.randomUUID();
    await s.store.append(incidentStream(id), [toAppend(incidentOpened(id))], 'noStream');
    for (const bad of [
      { deploymentId: 'deploy-42', reason: 'x' },
      { deploymentId: knownId, role: 'trigger', reason: 'x' },
      { deploymentId: knownId, reason: '' },
    ]) {
      await s
        .spec()
        .given(incidentStream(id))
        .when(link(id, bad))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    const id = crypto.randomUUID();
    await s
      .spec()
      .given(incidentStream(id), incidentOpened(id))
      .when(link(id, { deploymentId: knownId, reason: 'x' }, ['developer']))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
