import { DeploymentStepPlan, RolloutStrategy, RunArtifact } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { ActiveDeployment } from './domain/deployment.js';

export const DeploymentStatusSchema = z.enum([
  'waiting',
  'refused',
  'running',
  'succeeded',
  'failed',
  'rolling-back',
  'rolled-back',
  'rollback-failed',
]);

export const DeploymentStepView = schemaComponent(
  'DeploymentStep',
  z.object({
    step: DeploymentStepPlan,
    status: z.enum(['pending', 'started', 'succeeded', 'failed']),
    requestId: z.string().nullable(),
    callbackId: z.string().nullable(),
    detail: z.string().nullable(),
    rollback: z.boolean(),
  }),
);

/** A deployment as GET /deployments/:id answers: folded from its stream, with its steps. */
export const DeploymentView = schemaComponent(
  'Deployment',
  z.object({
    id: z.uuid(),
    runId: z.uuid(),
    stage: z.number().int(),
    releaseId: z.string().nullable(),
    planId: z.string().nullable(),
    service: z.string(),
    environment: z.string(),
    environmentTier: z.string().nullable(),
    artifact: RunArtifact,
    rollbackTarget: RunArtifact.nullable(),
    strategy: RolloutStrategy,
    status: DeploymentStatusSchema,
    reason: z.string(),
    driver: z.string().nullable(),
    live: z.object({ version: z.string(), weight: z.number().int() }).nullable(),
    requestedAt: z.string(),
    steps: z.array(DeploymentStepView),
  }),
);
export type DeploymentView = z.infer<typeof DeploymentView>;

export function deploymentView(s: ActiveDeployment): DeploymentView {
  const d = s.subject;
  return {
    id: d.deploymentId,
    runId: d.runId,
    stage: d.stage,
    releaseId: d.releaseId,
    planId: d.planId,
    service: d.service,
    environment: d.environment,
    environmentTier: d.environmentTier,
    artifact: d.artifact,
    rollbackTarget: s.rollbackTarget,
    strategy: s.strategy,
    status: s.status,
    reason: s.reason,
    driver: s.driver,
    live: s.live,
    requestedAt: s.requestedAt,
    steps: s.steps.map((x) => ({
      step: x.plan,
      status: x.status,
      requestId: x.requestId,
      callbackId: x.callbackId,
      detail: x.detail,
      rollback: x.rollback,
    })),
  };
}
