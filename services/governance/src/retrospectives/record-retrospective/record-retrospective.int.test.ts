import { randomUUID } from 'node:crypto';
import {
  GovernanceErrorCodes as Codes,
  deploymentStream,
  IncidentOpened,
  incidentStream,
  RetrospectiveRecorded,
  retrospectiveStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  deploymentSubject,
  type GovernanceSpecFixture,
  startGovernanceSpecs,
} from '../../test-support/governance-spec.js';
import { specNow } from '../../test-support/retrospective-spec.js';

const body = {
  title: 'ledger 3.1.0 rolled back',
  timeline: [{ at: '2026-11-01T10:31:00Z', description: 'error rate 12%, automatic rollback' }],
  contributingFactors: ['the migration was never rehearsed'],
  wentWell: ['rolled back in four minutes'],
};

describe('POST /retrospectives', () => {
  let s: GovernanceSpecFixture;
  const rolledBack = randomUUID();
  const live = randomUUID();
  beforeAll(async () => {
    s = await startGovernanceSpecs('govRecordRetro', () => specNow);
    const subject = deploymentSubject(rolledBack);
    const liveSubject = deploymentSubject(live);
    const trigger = { kind: 'manual', triggerId: null, by: 'lead-1' };
    await s.facts([
      {
        stream: deploymentStream(rolledBack),
        type: 'DeploymentSucceeded',
        at: '2026-11-01T10:05:00Z',
        data: { ...subject, commits: [], startedAt: '2026-11-01T10:00:00Z', reason: 'live' },
      },
      {
        stream: deploymentStream(rolledBack),
        type: 'DeploymentRolledBack',
        at: '2026-11-01T10:35:00Z',
        data: { ...subject, to: null, trigger, reason: 'errors' },
      },
      {
        stream: deploymentStream(live),
        type: 'DeploymentSucceeded',
        at: '2026-11-01T11:05:00Z',
        data: { ...liveSubject, commits: [], startedAt: '2026-11-01T11:00:00Z', reason: 'live' },
      },
    ]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const record = (payload: unknown) => async () => ({
    method: 'POST' as const,
    url: '/retrospectives',
    headers: await s.as('sre-1', ['sre']),
    payload,
  });
  const recorded = (id: string, subject: object) =>
    event(RetrospectiveRecorded, {
      retrospectiveId: id,
      subject,
      ...body,
      recordedBy: 'sre-1',
      recordedAt: specNow.toISOString(),
    });

  it('records a retrospective of a rollback', async () => {
    const subject = { kind: 'rollback', deploymentId: rolledBack };
    await s
      .spec()
      .when(record({ subject, ...body }))
      .then({
        status: 201,
        body: { subject, title: body.title, actions: [], feedback: [] },
        events: (res) => ({
          [retrospectiveStream(res.json().retrospectiveId)]: [recorded(res.json().retrospectiveId, subject)],
        }),
      });
  });

  it('records a retrospective of an incident', async () => {
    const incidentId = randomUUID();
    const subject = { kind: 'incident', incidentId };
    await s
      .spec()
      .given(
        incidentStream(incidentId),
        event(IncidentOpened, {
          incidentId,
          title: 'ledger 500s',
          severity: 'SEV2',
          service: 'ledger',
          environment: 'ledger-prod',
          source: { kind: 'manual' },
          suspectedDeploymentId: null,
          openedAt: '2026-11-01T10:20:00Z',
          openedBy: 'sre-1',
        }),
      )
      .when(record({ subject, ...body }))
      .then({
        status: 201,
        events: (res) => ({
          [retrospectiveStream(res.json().retrospectiveId)]: [recorded(res.json().retrospectiveId, subject)],
        }),
      });
  });

  it('404 GOVERNANCE_RETROSPECTIVE_DEPLOYMENT_UNKNOWN for a deployment governance never heard of', async () => {
    await s
      .spec()
      .when(record({ subject: { kind: 'rollback', deploymentId: randomUUID() }, ...body }))
      .then({ status: 404, code: Codes.RETROSPECTIVE_DEPLOYMENT_UNKNOWN });
  });

  it('409 GOVERNANCE_RETROSPECTIVE_NOT_ROLLED_BACK for a deployment that was never rolled back', async () => {
    await s
      .spec()
      .when(record({ subject: { kind: 'rollback', deploymentId: live }, ...body }))
      .then({ status: 409, code: Codes.RETROSPECTIVE_NOT_ROLLED_BACK });
  });

  it('404 GOVERNANCE_INCIDENT_NOT_FOUND for an unknown incident', async () => {
    await s
      .spec()
      .when(record({ subject: { kind: 'incident', incidentId: randomUUID() }, ...body }))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });
});
