import { randomUUID } from 'node:crypto';
import {
  deploymentStream,
  IncidentClassified,
  IncidentLinked,
  IncidentOpened,
  IncidentReopened,
  IncidentResolved,
} from '@railyard/contracts';
import { event, type SpecEvent } from '@railyard/testing';
import type { HistoryEvent } from '../../test-support/governance-fixture.js';

/** The service clock of the incident specifications: every command happens at NOW. */
export const NOW = new Date('2026-11-02T09:00:00.000Z');
/** When the given history happened, hours before NOW. */
export const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

/** An incident opened by hand on checkout-prod by sre-1, three hours before NOW. */
export const incidentOpened = (incidentId: string, at = hoursBefore(3)): SpecEvent =>
  event(
    IncidentOpened,
    {
      incidentId,
      title: 'checkout 5xx after 2.0.0',
      severity: 'SEV2',
      service: 'checkout',
      environment: 'checkout-prod',
      source: { kind: 'manual' },
      suspectedDeploymentId: null,
      openedAt: at.toISOString(),
      openedBy: 'sre-1',
    },
    { at },
  );

export const incidentClassified = (incidentId: string, at = hoursBefore(2)): SpecEvent =>
  event(
    IncidentClassified,
    {
      incidentId,
      severity: 'SEV2',
      causeClass: 'change_induced',
      cause: 'config',
      missingSafeguard: null,
      classifiedBy: 'sre-1',
      reason: 'a flag flipped in the release',
    },
    { at },
  );

export const incidentLinked = (
  incidentId: string,
  deploymentId: string,
  role: 'cause' | 'remediation' = 'cause',
  at = hoursBefore(2),
): SpecEvent =>
  event(IncidentLinked, { incidentId, deploymentId, role, reason: 'the 2.0.0 rollout', linkedBy: 'sre-1' }, { at });

export const incidentResolved = (incidentId: string, at = hoursBefore(1)): SpecEvent =>
  event(
    IncidentResolved,
    { incidentId, resolvedAt: at.toISOString(), resolvedBy: 'sre-1', resolution: 'rolled back to 1.9.4' },
    { at },
  );

export const incidentReopened = (incidentId: string, at = hoursBefore(0.5)): SpecEvent =>
  event(
    IncidentReopened,
    { incidentId, reopenedAt: at.toISOString(), reopenedBy: 'sre-1', reason: 'errors are back' },
    { at },
  );

/** A deployment of checkout to production that orchestration reported succeeded (a fact governance knows). */
export const deploymentSucceeded = (deploymentId = randomUUID()): HistoryEvent => ({
  stream: deploymentStream(deploymentId),
  type: 'DeploymentSucceeded',
  at: hoursBefore(4).toISOString(),
  data: {
    deploymentId,
    runId: randomUUID(),
    stage: 2,
    releaseId: null,
    planId: null,
    service: 'checkout',
    environment: 'checkout-prod',
    environmentTier: 'prod',
    artifact: { name: 'checkout', version: '2.0.0', sha256: 'a'.repeat(64) },
    commits: [{ sha: 'abcdef1', committedAt: hoursBefore(6).toISOString() }],
    startedAt: hoursBefore(4.2).toISOString(),
    reason: 'live',
  },
});
