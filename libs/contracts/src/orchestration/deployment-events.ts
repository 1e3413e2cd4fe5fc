import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { ChangeCommit, RolloutStrategy, RunArtifact } from '../pipeline/run-events.js';
import { streamName } from '../streams.js';
import { EnvironmentTier } from './names.js';

/**
 * Deployments (O7, R1): one `deployment-<id>` stream per `DeploymentRequested`, whose event id is the deployment id,
 * so turning a request into a deployment is idempotent. Pipeline, monitoring and governance consume these events:
 * pipeline reports the deploy stage from the outcome, monitoring watches the steps, governance counts production
 * deployments, their commits and their rollbacks (DORA).
 */

const deploymentId = z.uuid().describe('The id of the `DeploymentRequested` event the deployment came from.');
const runId = z.uuid();
const stage = z.number().int().min(0).describe("The pipeline run's deploy stage.");
const reason = z.string().max(2000);
const actorId = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });

/** What every outcome event repeats, so a consumer needs no other event of the stream to act on it. */
const subject = {
  deploymentId,
  runId,
  stage,
  releaseId: z.uuid().nullable(),
  planId: z.uuid().nullable().describe('The rollout plan the deployment belongs to, if any.'),
  service: ServiceNameSchema,
  environment: EnvironmentName,
  environmentTier: EnvironmentTier.nullable().describe(
    'The tier of the environment when known (`prod` counts for DORA).',
  ),
  artifact: RunArtifact,
};

/** A check a deployment passes before it starts (part 1's window, booking, data policy, quota; later grants). */
export const DeploymentCheckResult = z.strictObject({
  check: z.enum(['window', 'booking', 'data-policy', 'quota', 'plan', 'grant', 'migration']),
  passed: z.boolean(),
  reason: z.string().max(2000),
});
export type DeploymentCheckResult = z.infer<typeof DeploymentCheckResult>;

/** A step the driver is asked to perform; each strategy expands into a list of these. */
export const DeploymentAction = z.enum([
  'set-weight', // canary: route `weight`% to the new version
  'pause', // canary: wait `pauseMinutes`; 0 or absent: held until promoted (`DeploymentPromoted`), a lead decision
  'deploy-preview', // blue-green: start the new version beside the old one
  'switch', // blue-green: send all traffic to the new version
  'retire-old', // blue-green: stop the old version after `keepMinutes`
  'roll-batch', // rolling: replace `batchPercent`% more of the instances
  'rollback', // any: go back to the rollback target
]);
export type DeploymentAction = z.infer<typeof DeploymentAction>;

export const DeploymentStepPlan = z.strictObject({
  step: z.number().int().min(0),
  action: DeploymentAction,
  weight: z.number().int().min(0).max(100).optional(),
  pauseMinutes: z.number().int().min(0).optional(),
  batchPercent: z.number().int().min(1).max(100).optional(),
  keepMinutes: z.number().int().min(0).optional(),
});
export type DeploymentStepPlan = z.infer<typeof DeploymentStepPlan>;

/** What was live before a rollback (R1): recorded before anything is changed. */
export const PreRollbackSnapshot = z.strictObject({
  takenAt: at,
  live: z
    .array(
      z.strictObject({
        service: ServiceNameSchema,
        environment: EnvironmentName,
        version: z.string().min(1).max(256).nullable(),
        weight: z.number().int().min(0).max(100).nullable(),
      }),
    )
    .max(1000),
  flags: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(128),
        state: z.enum(['ENABLED', 'DISABLED']),
        defaultVariant: z.string(),
      }),
    )
    .max(10_000)
    .describe('Flag states where known.'),
  metrics: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The last metrics summary monitoring published for the deployment, if any.'),
});
export type PreRollbackSnapshot = z.infer<typeof PreRollbackSnapshot>;

export const RollbackTrigger = z.strictObject({
  kind: z.enum(['monitoring', 'manual', 'plan']),
  triggerId: z
    .string()
    .min(1)
    .max(200)
    .nullable()
    .describe("Monitoring's RollbackTriggered event id, when it was that."),
  by: actorId,
});
export type RollbackTrigger = z.infer<typeof RollbackTrigger>;

export const DeploymentScheduled = defineEvent(
  'DeploymentScheduled',
  z.strictObject({
    ...subject,
    strategy: RolloutStrategy,
    rollbackTarget: RunArtifact.nullable(),
    commits: z.array(ChangeCommit).max(10_000),
    requestedAt: at,
    reason,
  }),
  'A pipeline run asked for a deployment; it is checked, then waits for its wave or starts.',
);
export const DeploymentRefused = defineEvent(
  'DeploymentRefused',
  z.strictObject({ ...subject, checks: z.array(DeploymentCheckResult).min(1), reason }),
  'A pre-deployment check failed (window, booking, data policy, quota, plan, grant or migration): nothing ran.',
);
export const DeploymentStarted = defineEvent(
  'DeploymentStarted',
  z.strictObject({
    ...subject,
    driver: z.string().min(1).max(100),
    steps: z.array(DeploymentStepPlan).min(1).max(1000),
    reason,
  }),
  'The checks passed and the driver was given the strategy as a list of steps.',
);
export const DeploymentStepStarted = defineEvent(
  'DeploymentStepStarted',
  z.strictObject({
    deploymentId,
    service: ServiceNameSchema,
    environment: EnvironmentName,
    step: DeploymentStepPlan,
    requestId: z.string().min(1).max(200).describe('The webhook-id of the signed request sent to the agent.'),
  }),
  'A step was sent to the deploy agent.',
);
export const DeploymentStepCompleted = defineEvent(
  'DeploymentStepCompleted',
  z.strictObject({
    deploymentId,
    service: ServiceNameSchema,
    environment: EnvironmentName,
    step: DeploymentStepPlan,
    outcome: z.enum(['succeeded', 'failed']),
    callbackId: z.string().min(1).max(200).describe("The webhook-id of the agent's signed callback."),
    live: z
      .strictObject({ version: z.string().min(1).max(256), weight: z.number().int().min(0).max(100) })
      .nullable()
      .describe('What the agent says is live for the new version after the step.'),
    detail: z.string().max(2000),
  }),
  "The agent's signed callback reported the step's outcome.",
);
export const DeploymentSucceeded = defineEvent(
  'DeploymentSucceeded',
  z.strictObject({ ...subject, commits: z.array(ChangeCommit).max(10_000), startedAt: at, reason }),
  'Every step succeeded: the new version is live.',
);
export const DeploymentFailed = defineEvent(
  'DeploymentFailed',
  z.strictObject({ ...subject, failedStep: z.number().int().min(0).nullable(), reason }),
  'A step failed, the agent was unreachable, or the deployment was aborted.',
);
export const DeploymentRollbackStarted = defineEvent(
  'DeploymentRollbackStarted',
  z.strictObject({
    ...subject,
    to: RunArtifact.nullable().describe('The rollback target (null: remove the new version).'),
    trigger: RollbackTrigger,
    snapshot: PreRollbackSnapshot,
    reason,
  }),
  'A rollback begins, with what was live before it (the pre-rollback snapshot).',
);
export const DeploymentRolledBack = defineEvent(
  'DeploymentRolledBack',
  z.strictObject({ ...subject, to: RunArtifact.nullable(), trigger: RollbackTrigger, reason }),
  'The rollback completed: the target is live again. The deployment counts as failed for DORA.',
);
export const DeploymentRollbackFailed = defineEvent(
  'DeploymentRollbackFailed',
  z.strictObject({ ...subject, trigger: RollbackTrigger, reason }),
  'The rollback was refused (an irreversible or contracted migration, named in the reason) or failed at the agent.',
);

export const DeploymentPromoted = defineEvent(
  'DeploymentPromoted',
  z.strictObject({
    ...subject,
    step: z.number().int().min(0).describe('The held pause step the promotion ends.'),
    by: actorId,
    reason,
  }),
  'A person promoted a canary held at a pause until promoted (O6): the pause step completes, the next one begins.',
);

/** The deployment aggregate's catalogue (`deployment-<id>`). Helpers may add events; never rename these. */
export const deploymentEvents = {
  DeploymentScheduled,
  DeploymentRefused,
  DeploymentStarted,
  DeploymentStepStarted,
  DeploymentStepCompleted,
  DeploymentSucceeded,
  DeploymentFailed,
  DeploymentRollbackStarted,
  DeploymentRolledBack,
  DeploymentRollbackFailed,
  DeploymentPromoted,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type DeploymentEvent = {
  [K in keyof typeof deploymentEvents]: { type: K; data: DataOf<(typeof deploymentEvents)[K]> };
}[keyof typeof deploymentEvents];

/** `deployment-<id>`: one deployment of one service to one environment. */
export const deploymentStream = (id: string) => streamName('deployment', id);
