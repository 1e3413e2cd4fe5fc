import { randomUUID } from 'node:crypto';
import {
  GovernanceErrorCodes as Codes,
  deploymentStream,
  IncidentOpened,
  incidentStream,
  NoticeQueued,
  noticeStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentSubject,
  type GovernanceSpecFixture,
  startGovernanceSpecs,
} from '../../test-support/governance-spec.js';

const now = new Date('2026-11-02T09:00:00.000Z');
const fields = {
  hypothesis: 'The <index> migration locks the ledger table',
  impact: 'ledger writes in prod, 20 minutes',
  nextSteps: 'Keep 3.0.9; rehearse the migration',
  nextUpdateAt: '2026-11-02T10:00:00.000Z',
};

describe('POST /notices', () => {
  let s: GovernanceSpecFixture;
  const deploymentId = randomUUID();
  beforeAll(async () => {
    s = await startGovernanceSpecs('govSendNotice', () => now);
    const subject = deploymentSubject(deploymentId);
    await s.facts([
      {
        stream: deploymentStream(deploymentId),
        type: 'DeploymentRolledBack',
        at: '2026-11-02T08:40:00Z',
        data: {
          ...subject,
          to: { name: 'ledger', version: '3.0.9', sha256: 'c'.repeat(64) },
          trigger: { kind: 'manual', triggerId: null, by: 'lead-1' },
          reason: 'errors',
        },
      },
    ]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const send = (payload: object) => async () => ({
    method: 'POST' as const,
    url: '/notices',
    headers: await s.as('lead-1', ['deployment-lead']),
    payload,
  });

  it('renders a rollback notice (escaped) and queues it with exactly the body it will send', async () => {
    await s
      .spec()
      .when(send({ kind: 'rollback', deploymentId, ...fields }))
      .then({
        status: 202,
        body: (b) => {
          expect(b.text).toContain('Root-cause hypothesis: The &lt;index&gt; migration locks the ledger table');
          expect(b.text).toContain('rolled back to 3.0.9 (manual: errors)');
          expect(JSON.parse(b.payload)).toMatchObject({ noticeId: b.noticeId, kind: 'rollback', fields, text: b.text });
          expect(b.attempts).toEqual([]);
        },
        events: (res) => ({
          [noticeStream(res.json().noticeId)]: [
            event(NoticeQueued, {
              noticeId: res.json().noticeId,
              kind: 'rollback',
              about: { kind: 'deployment', deploymentId },
              fields,
              snapshot: null,
              templateVersion: 0,
              subject: 'Rollback of ledger in ledger-prod',
              text: res.json().text,
              payload: res.json().payload,
              source: 'manual',
              queuedBy: 'lead-1',
              queuedAt: now.toISOString(),
            }),
          ],
        }),
      });
  });

  it('queues an incident notice from the incident governance holds', async () => {
    const incidentId = randomUUID();
    await s
      .spec()
      .given(
        incidentStream(incidentId),
        event(IncidentOpened, {
          incidentId,
          title: 'ledger writes failing',
          severity: 'SEV2',
          service: 'ledger',
          environment: 'ledger-prod',
          source: { kind: 'manual' },
          suspectedDeploymentId: null,
          openedAt: '2026-11-02T08:30:00.000Z',
          openedBy: 'sre-1',
        }),
      )
      .when(send({ kind: 'incident', incidentId, ...fields }))
      .then({
        status: 202,
        body: { kind: 'incident', subject: '[SEV2] ledger writes failing', about: { kind: 'incident', incidentId } },
        events: (res) => ({
          [noticeStream(res.json().noticeId)]: [
            event(NoticeQueued, expect.objectContaining({ kind: 'incident', source: 'manual' })),
          ],
        }),
      });
  });

  it('404 GOVERNANCE_DEPLOYMENT_UNKNOWN and GOVERNANCE_INCIDENT_NOT_FOUND, queueing nothing', async () => {
    await s
      .spec()
      .when(send({ kind: 'rollback', deploymentId: randomUUID(), ...fields }))
      .then({ status: 404, code: Codes.DEPLOYMENT_UNKNOWN });
    await s
      .spec()
      .when(send({ kind: 'incident', incidentId: randomUUID(), ...fields }))
      .then({ status: 404, code: Codes.INCIDENT_NOT_FOUND });
  });
});
