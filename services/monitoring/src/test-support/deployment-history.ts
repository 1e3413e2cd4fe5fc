import { randomUUID } from 'node:crypto';
import { deploymentStream, rolloutPlanStream, streamName } from '@railyard/contracts';
import type { MonitoringFixture } from './monitoring-fixture.js';

/**
 * Inputs as the other services publish them, in the agreed contracts' shapes: planning's rollback criteria and
 * orchestration's deployment and rollout-plan events. Tests append them to those services' streams in the real
 * store; the relays and monitoring's consumers do the rest.
 */
export const criteria = (over: Partial<Record<string, unknown>> = {}) => ({
  errorRate: { maxPercent: 2, windowSeconds: 60 },
  latency: { percentile: 95, maxMs: 800, windowSeconds: 60 },
  healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 10 },
  dataIntegrityChecks: [] as string[],
  ...over,
});

export async function publishCriteria(f: MonitoringFixture, releaseId: string, service: string, c = criteria()) {
  await f.appendAs('planning', streamName('release', releaseId), [
    { type: 'RollbackCriteriaPublished', data: { releaseId, service, criteria: c, publishedBy: 'rm-rita' } },
  ]);
}

export interface DeploymentInput {
  deploymentId?: string;
  releaseId?: string | null;
  planId?: string | null;
  service: string;
  environment?: string;
  version: string;
  baselineVersion?: string | null;
}

export function deploymentSubject(d: DeploymentInput) {
  return {
    deploymentId: d.deploymentId ?? randomUUID(),
    runId: randomUUID(),
    stage: 2,
    releaseId: d.releaseId ?? null,
    planId: d.planId ?? null,
    service: d.service,
    environment: d.environment ?? 'prod',
    environmentTier: 'prod' as const,
    artifact: { name: d.service, version: d.version, sha256: 'a'.repeat(64) },
  };
}

/** DeploymentScheduled then DeploymentStarted (a canary 10 → 50 → 100). Returns the subject. */
export async function startDeployment(f: MonitoringFixture, d: DeploymentInput) {
  const subject = deploymentSubject(d);
  const baseline = d.baselineVersion === undefined ? null : d.baselineVersion;
  await f.appendAs('orchestration', deploymentStream(subject.deploymentId), [
    {
      type: 'DeploymentScheduled',
      data: {
        ...subject,
        strategy: { type: 'canary', steps: [{ weight: 10, pauseMinutes: 0 }] },
        rollbackTarget: baseline ? { ...subject.artifact, version: baseline } : null,
        commits: [{ sha: 'abc1234', committedAt: '2026-12-01T10:00:00Z' }],
        requestedAt: new Date().toISOString(),
        reason: 'pipeline run asked',
      },
    },
    {
      type: 'DeploymentStarted',
      data: {
        ...subject,
        driver: 'webhook',
        steps: [
          { step: 0, action: 'set-weight', weight: 10 },
          { step: 1, action: 'set-weight', weight: 100 },
        ],
        reason: 'checks passed',
      },
    },
  ]);
  return subject;
}

export async function finishDeployment(
  f: MonitoringFixture,
  subject: ReturnType<typeof deploymentSubject>,
  type: 'DeploymentSucceeded' | 'DeploymentRolledBack',
) {
  const extra =
    type === 'DeploymentSucceeded'
      ? { commits: [], startedAt: new Date().toISOString(), reason: 'all steps succeeded' }
      : { to: null, trigger: { kind: 'monitoring', triggerId: null, by: 'orchestration' }, reason: 'rolled back' };
  await f.appendAs('orchestration', deploymentStream(subject.deploymentId), [{ type, data: { ...subject, ...extra } }]);
}

export async function publishPlan(
  f: MonitoringFixture,
  plan: {
    planId?: string;
    releaseId: string;
    lead: string;
    services: { service: string; version: string; provides?: string[]; consumes?: string[] }[];
  },
) {
  const planId = plan.planId ?? randomUUID();
  await f.appendAs('orchestration', rolloutPlanStream(planId), [
    {
      type: 'RolloutPlanCreated',
      data: {
        planId,
        releaseId: plan.releaseId,
        environments: ['prod'],
        services: plan.services.map((s) => ({
          service: s.service,
          version: s.version,
          provides: (s.provides ?? []).map((api) => ({ api, version: '2.0.0' })),
          consumes: (s.consumes ?? []).map((api) => ({ api, range: '^2.0.0' })),
        })),
        waves: [plan.services.map((s) => s.service)],
        lead: plan.lead,
        escalation: [],
        ackTimeoutMinutes: 15,
        createdBy: 'rm-rita',
        reason: 'release rollout',
      },
    },
  ]);
  return planId;
}
