import { anomalyStream, deploymentStream, incidentStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, idOf } from '../test-support/fixed-history.js';
import { type GovernanceFixture, startGovernance } from '../test-support/governance-fixture.js';
import { incidentIdOfAnomaly } from './open-from-escalation/reactor.js';

// G4 over HTTP, with inputs arriving live over the bus (governance already running): an escalation opens an
// incident; people classify, link, resolve and reopen it; bad input is refused and changes nothing.
let f: GovernanceFixture;
let sre: { authorization: string };
const deploymentId = idOf('G-D1');
const anomalyId = idOf('G-A1');
const incidentId = incidentIdOfAnomaly(anomalyId);

const subject = {
  deploymentId,
  runId: idOf('G-run'),
  stage: 2,
  releaseId: null,
  planId: null,
  service: 'checkout',
  environment: 'checkout-prod',
  environmentTier: 'prod',
  artifact: { name: 'checkout', version: '2.0.0', sha256: 'a'.repeat(64) },
};

const escalation = {
  stream: anomalyStream(anomalyId),
  type: 'AnomalyEscalated',
  at: at(1, 0, '10:20'),
  actor: 'monitoring',
  data: {
    anomalyId,
    dedupKey: `anomaly-${anomalyId}`,
    severity: 'critical',
    summary: 'checkout error rate 12% after 2.0.0',
    service: 'checkout',
    environment: 'checkout-prod',
    deploymentId,
    releaseId: null,
    lead: 'lead-1',
    sentTo: 'http://127.0.0.1:1/v2/enqueue',
    attempts: 1,
    responseStatus: 202,
    escalatedAt: at(1, 0, '10:20'),
  },
};

beforeAll(async () => {
  f = await startGovernance('gov-incidents');
  sre = await f.auth('sre-1', ['sre']);
  await f.append([
    {
      stream: deploymentStream(deploymentId),
      type: 'DeploymentSucceeded',
      at: at(1, 0, '10:00'),
      data: {
        ...subject,
        commits: [{ sha: 'abcdef1', committedAt: at(1, 0, '09:00') }],
        startedAt: at(1, 0, '09:50'),
        reason: 'live',
      },
    },
    escalation,
  ]);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const post = async (url: string, payload: unknown) =>
  f.app.inject({ method: 'POST', url, headers: sre, payload: payload as Record<string, unknown> });
const eventTypes = async () => (await f.store.readStream(incidentStream(incidentId))).map((e) => e.type);

describe('an escalated anomaly', () => {
  it('opens an incident once, at SEV2, naming the suspected deployment without attributing it', async () => {
    await waitFor('the incident', async () => (await eventTypes()).length === 1);
    // The same anomaly escalated again (a replayed or repeated escalation) finds its incident and adds nothing.
    await f.append([{ ...escalation, at: at(1, 0, '10:25') }]);
    const anomalies = f.runtime.consumers.find((c) => c.name === 'governance--anomalies')!;
    await waitFor('both escalations handled', () => anomalies.status().handled >= 2);
    expect(await eventTypes()).toEqual(['IncidentOpened']);
    await f.until(
      'the deployment',
      'SELECT count(*)::int AS n FROM reporting.deployments',
      (r: { n: number }) => r.n === 1,
    );
    const res = await f.app.inject({ method: 'GET', url: `/incidents/${incidentId}`, headers: sre });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      incidentId,
      severity: 'SEV2',
      causeClass: 'unknown',
      status: 'open',
      source: { kind: 'anomaly', anomalyId },
      suspectedDeploymentId: deploymentId,
      links: [],
      timeline: [{ type: 'IncidentOpened', actor: 'governance' }],
    });
  });
});

describe('people', () => {
  it('classify, link, resolve and reopen it; the timeline keeps every step', async () => {
    const classified = await post(`/incidents/${incidentId}/classification`, {
      severity: 'SEV1',
      cause: { causeClass: 'change_induced', cause: 'config' },
      missingSafeguard: 'config-validation',
      reason: 'a config flag flipped in 2.0.0',
    });
    expect(classified.statusCode, classified.body).toBe(200);
    expect(classified.json()).toMatchObject({ severity: 'SEV1', causeClass: 'change_induced', cause: 'config' });
    const linked = await post(`/incidents/${incidentId}/links`, { deploymentId, reason: 'shipped the flag' });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().links).toEqual([
      { deploymentId, role: 'cause', reason: 'shipped the flag', linkedBy: 'sre-1' },
    ]);
    expect((await post(`/incidents/${incidentId}/resolve`, { resolution: 'flag reverted' })).statusCode).toBe(200);
    expect((await post(`/incidents/${incidentId}/reopen`, { reason: 'errors are back' })).statusCode).toBe(200);
    expect(await eventTypes()).toEqual([
      'IncidentOpened',
      'IncidentClassified',
      'IncidentLinked',
      'IncidentResolved',
      'IncidentReopened',
    ]);
    const row = await f.until(
      'the incident row',
      `SELECT status, severity, cause_class, reopened_count FROM reporting.incidents WHERE incident_id = '${incidentId}'`,
      (r: { reopened_count: number }) => r.reopened_count === 1,
    );
    expect(row).toEqual({ status: 'open', severity: 'SEV1', cause_class: 'change_induced', reopened_count: 1 });
    // The deployment now counts as failed: the link is to a change_induced incident.
    const verdict = await f.app.inject({ method: 'GET', url: `/dora/deployments/${deploymentId}`, headers: sre });
    expect(verdict.json()).toMatchObject({ failed: true, reasons: [{ kind: 'change-induced-incident', incidentId }] });
  });

  it('groups incidents by cause class, service and missing safeguard in the systemic-gap report', async () => {
    const opened = await post('/incidents', { title: 'checkout slow', severity: 'SEV4', service: 'checkout' });
    expect(opened.statusCode, opened.body).toBe(201);
    const second = opened.json().incidentId;
    await post(`/incidents/${second}/classification`, {
      severity: 'SEV4',
      cause: { causeClass: 'change_induced', cause: 'code' },
      missingSafeguard: 'config-validation',
      reason: 'n+1 query',
    });
    await f.until(
      'both classified',
      "SELECT count(*)::int AS n FROM reporting.incidents WHERE missing_safeguard = 'config-validation'",
      (r: { n: number }) => r.n === 2,
    );
    const res = await f.app.inject({ method: 'GET', url: '/incidents/systemic-gaps', headers: sre });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().groups).toEqual([
      {
        causeClass: 'change_induced',
        service: 'checkout',
        missingSafeguard: 'config-validation',
        incidents: 2,
        bySeverity: { SEV1: 1, SEV4: 1 },
        causes: ['code', 'config'],
        incidentIds: [incidentId, second],
      },
    ]);
  });
});

describe('bad input gets problem+json and changes nothing', () => {
  const refused = async (
    res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string } },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  };

  it('refuses unknown and duplicate links, severities outside the taxonomy, causes outside their class, double resolves', async () => {
    const before = await eventTypes();
    await refused(
      await post(`/incidents/${incidentId}/links`, { deploymentId: idOf('nowhere'), reason: 'guess' }),
      422,
      'GOVERNANCE_DEPLOYMENT_UNKNOWN',
    );
    await refused(
      await post(`/incidents/${incidentId}/links`, { deploymentId, reason: 'again' }),
      409,
      'GOVERNANCE_INCIDENT_LINK_DUPLICATE',
    );
    await refused(
      await post(`/incidents/${incidentId}/classification`, {
        severity: 'SEV0',
        cause: { causeClass: 'unknown', cause: null },
        reason: 'x',
      }),
      400,
      'RAILYARD_REQUEST_INVALID',
    );
    await refused(
      await post(`/incidents/${incidentId}/classification`, {
        severity: 'SEV3',
        cause: { causeClass: 'non_change', cause: 'code' },
        reason: 'x',
      }),
      400,
      'RAILYARD_REQUEST_INVALID',
    );
    expect((await post(`/incidents/${incidentId}/resolve`, { resolution: 'done' })).statusCode).toBe(200);
    const resolvedOnce = await eventTypes();
    await refused(
      await post(`/incidents/${incidentId}/resolve`, { resolution: 'done again' }),
      409,
      'GOVERNANCE_INCIDENT_ALREADY_RESOLVED',
    );
    await refused(
      await post(`/incidents/${idOf('none')}/resolve`, { resolution: 'x' }),
      404,
      'GOVERNANCE_INCIDENT_NOT_FOUND',
    );
    expect(await eventTypes()).toEqual(resolvedOnce);
    expect(resolvedOnce).toEqual([...before, 'IncidentResolved']);
  });

  it('refuses an unknown interval, from after to, an asOf in the future, an unknown team', async () => {
    const get = (q: string) => f.app.inject({ method: 'GET', url: `/dora?${q}`, headers: sre });
    await refused(await get('interval=hourly'), 400, 'RAILYARD_REQUEST_INVALID');
    await refused(
      await get(`from=${at(2, 0, '00:00')}&to=${at(1, 0, '00:00')}`),
      422,
      'GOVERNANCE_DORA_PERIOD_INVALID',
    );
    await refused(
      await get(`asOf=${new Date(Date.now() + 3_600_000).toISOString()}`),
      422,
      'GOVERNANCE_DORA_AS_OF_IN_FUTURE',
    );
    await refused(await get('team=nobody'), 404, 'GOVERNANCE_TEAM_UNKNOWN');
    await refused(await get('thresholds=2019'), 400, 'RAILYARD_REQUEST_INVALID');
  });
});
