import { z } from 'zod';
import { Sha256Hex } from '../artifact/artifact-events.js';
import { defineEvent } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema, ServiceTier, StageDefinition } from './definition-events.js';

const runId = z.uuid();
const stage = z.number().int().min(0).describe('The index of the stage in the pinned definition.');
const reason = z.string().max(1000).describe('Why: given by the actor, or the rule that acted.');
const actorId = z.string().min(1).max(200);

/** The artifact a run ships, as the artifact service registered it. */
export const RunArtifact = z.strictObject({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(256),
  sha256: Sha256Hex,
});

/** A rollout strategy (L5): selected by the service tier per environment. */
export const RolloutStrategy = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('blue-green') }),
  z.strictObject({
    type: z.literal('canary'),
    steps: z
      .array(
        z.strictObject({
          weight: z.number().int().min(1).max(100),
          pauseMinutes: z.number().int().min(0).describe('How long to pause after the weight is set; 0: no pause.'),
          // Issue 11 (O6): an indefinite pause, Argo Rollouts' `pause: {}`, as a NEW optional field rather than
          // making `pauseMinutes` optional (absence = indefinite). Both parse every stored event, but only this one
          // leaves `pauseMinutes` a required number for every reader and keeps its agreed meaning (0 = no pause):
          // an old definition without the field can never be read as "hold forever". No upcaster is needed.
          pause: z
            .literal('until-promoted')
            .optional()
            .describe('Hold after this step until a lead promotes the deployment (pauseMinutes is then not used).'),
        }),
      )
      .min(1),
  }),
  z.strictObject({ type: z.literal('rolling'), batchPercent: z.number().int().min(1).max(100) }),
]);
export type RolloutStrategy = z.infer<typeof RolloutStrategy>;

/** The verdict of one gate at a promotion: which rule decided it and on which findings. */
export const GateResult = z.strictObject({
  gate: z.enum(['security', 'performance', 'artifact', 'approval']),
  passed: z.boolean(),
  rule: z.string().max(200).optional(),
  detail: z.string().max(2000),
  findings: z.array(z.string().max(200)).max(1000).optional(),
});
export type GateResult = z.infer<typeof GateResult>;

export const SecurityFinding = z.strictObject({
  id: z.string().min(1).max(200).describe('A stable fingerprint: exceptions name it.'),
  rule: z.string().min(1).max(200).describe('The scanner rule that found it.'),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  title: z.string().max(500).optional(),
});
export type SecurityFinding = z.infer<typeof SecurityFinding>;

export const LoadTestMetrics = z.strictObject({
  p50Ms: z.number().min(0),
  p95Ms: z.number().min(0),
  p99Ms: z.number().min(0),
  throughputRps: z.number().min(0),
  errorRate: z.number().min(0).max(1),
});
export type LoadTestMetrics = z.infer<typeof LoadTestMetrics>;

/** A commit the artifact contains: what governance measures lead time for changes from (G1). */
export const ChangeCommit = z.strictObject({
  sha: z.string().regex(/^[0-9a-f]{7,64}$/, 'a lowercase hex commit sha'),
  committedAt: z.iso.datetime({ offset: true }),
});
export type ChangeCommit = z.infer<typeof ChangeCommit>;
const releaseId = z.uuid().nullable().describe('The planning release the run ships, when it ships one.');
const commits = z
  .array(ChangeCommit)
  .max(10_000)
  .describe('The commits the artifact contains (sha, committedAt), for lead time.');

/**
 * Version 1 of `PipelineRunStarted` and `DeploymentRequested` had no release and no commits. Stored events are never
 * rewritten: a reader upcasts them to "no release, no known commits".
 */
function withoutReleaseOrCommits(data: unknown, fromVersion: number): unknown {
  if (fromVersion >= 2) return data;
  return { releaseId: null, commits: [], ...(data as Record<string, unknown>) };
}

export const ShardJob = z.strictObject({
  test: z.string().min(1).max(300),
  combo: z.string().min(1).max(100),
  durationMs: z.number().min(0),
});
export const PlannedShard = z.strictObject({
  shard: z.number().int().min(0),
  jobs: z.array(ShardJob),
  predictedMs: z.number().min(0),
});

export const PipelineRunStarted = defineEvent(
  'PipelineRunStarted',
  z.strictObject({
    runId,
    service: ServiceNameSchema,
    definitionVersion: z.number().int().min(1),
    stages: z.array(StageDefinition).min(1).describe('The stages pinned from the definition version.'),
    securityPolicy: z.string(),
    tier: ServiceTier,
    strategies: z.array(z.strictObject({ environment: EnvironmentName, strategy: RolloutStrategy })),
    artifact: RunArtifact,
    changeAuthor: actorId.describe('Who authored the change the artifact carries: may not approve.'),
    triggeredBy: actorId.describe('Who triggered the run: may not approve.'),
    releaseId,
    commits,
    reason,
  }),
  'A run of a service pipeline for an artifact version, pinned to a definition version, with its strategies, and ' +
    'the release and commits it ships (version 2; version 1 upcasts to none).',
  { version: 2, upcast: withoutReleaseOrCommits },
);
export const StageClaimed = defineEvent(
  'StageClaimed',
  z.strictObject({ runId, stage, kind: z.string(), executor: actorId, reason }),
  'An external executor (a CI system) took the current stage.',
);
export const StageReported = defineEvent(
  'StageReported',
  z.strictObject({
    runId,
    stage,
    kind: z.string(),
    outcome: z.enum(['passed', 'failed']),
    executor: actorId,
    detailsUrl: z.string().max(2000).optional(),
    reason,
  }),
  'The executor reported the stage result; passed moves the run on, failed ends it.',
);
export const ApprovalRequested = defineEvent(
  'ApprovalRequested',
  z.strictObject({
    runId,
    stage,
    environment: EnvironmentName,
    groups: z.array(z.string()),
    minApprovals: z.number().int().min(1),
    expiresAt: z.iso.datetime({ offset: true }),
    reason,
  }),
  'The run reached an approval stage and waits for approvers of the groups until expiry.',
);
export const ApprovalGranted = defineEvent(
  'ApprovalGranted',
  z.strictObject({ runId, stage, approver: actorId, group: z.string(), reason }),
  'An approver of an allowed group approved (never the run trigger nor the change author).',
);
export const PromotionBlocked = defineEvent(
  'PromotionBlocked',
  z.strictObject({ runId, stage, environment: EnvironmentName, gates: z.array(GateResult), reason }),
  'A promotion into an environment was refused by a gate; the run stays at the stage and may be retried.',
);
export const DeploymentRequested = defineEvent(
  'DeploymentRequested',
  z.strictObject({
    runId,
    stage,
    service: ServiceNameSchema,
    environment: EnvironmentName,
    artifact: RunArtifact,
    strategy: RolloutStrategy,
    rollbackTarget: RunArtifact.nullable().describe('The last accepted release of the service, if any.'),
    gates: z.array(GateResult),
    releaseId,
    commits,
    reason,
  }),
  'The gates passed and the run is promoted into an environment: what orchestration needs to roll it out, with ' +
    'the release and commits it ships (version 2; version 1 upcasts to none). The event id is the deployment id.',
  { version: 2, upcast: withoutReleaseOrCommits },
);
export const TestShardsPlanned = defineEvent(
  'TestShardsPlanned',
  z.strictObject({
    runId,
    stage,
    combos: z.array(z.string()),
    shards: z.array(PlannedShard),
    predictedWallMs: z.number().min(0),
    roundRobinWallMs: z.number().min(0).describe('What naive round-robin would predict, for comparison.'),
    reason,
  }),
  'The test stage was sharded across the browser/device matrix by historical durations (LPT).',
);
export const ShardResultRecorded = defineEvent(
  'ShardResultRecorded',
  z.strictObject({
    runId,
    stage,
    shard: z.number().int().min(0),
    attempt: z.number().int().min(1),
    outcome: z.enum(['passed', 'failed']),
    durationMs: z.number().min(0),
    failedTests: z.array(z.string()).max(10_000),
    reason,
  }),
  'A shard finished an attempt.',
);
export const ShardsRerunRequested = defineEvent(
  'ShardsRerunRequested',
  z.strictObject({ runId, stage, shards: z.array(z.number().int().min(0)).min(1), reason }),
  'Only the failed shards are run again.',
);
export const SecurityScanRecorded = defineEvent(
  'SecurityScanRecorded',
  z.strictObject({
    runId,
    kind: z.enum(['sast', 'dast']),
    tool: z.string().min(1).max(100),
    findings: z.array(SecurityFinding),
    reason,
  }),
  'SAST or DAST findings of the run; the latest scan of each kind is what the security gate evaluates.',
);
export const LoadTestRecorded = defineEvent(
  'LoadTestRecorded',
  z.strictObject({ runId, environment: EnvironmentName, metrics: LoadTestMetrics, reason }),
  'Load-test results of the run; the latest is compared with the service baseline at promotion.',
);
export const PipelineRunSucceeded = defineEvent(
  'PipelineRunSucceeded',
  z.strictObject({ runId, reason }),
  'The last stage passed.',
);
export const PipelineRunFailed = defineEvent(
  'PipelineRunFailed',
  z.strictObject({ runId, stage, reason }),
  'A stage failed: the run ends.',
);

/** The pipeline run aggregate's catalogue (stream `pipelineRun-<id>`). */
export const pipelineRunEvents = {
  PipelineRunStarted,
  StageClaimed,
  StageReported,
  ApprovalRequested,
  ApprovalGranted,
  PromotionBlocked,
  DeploymentRequested,
  TestShardsPlanned,
  ShardResultRecorded,
  ShardsRerunRequested,
  SecurityScanRecorded,
  LoadTestRecorded,
  PipelineRunSucceeded,
  PipelineRunFailed,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The run's events as a discriminated union of `{ type, data }`. */
export type PipelineRunEvent = {
  [K in keyof typeof pipelineRunEvents]: { type: K; data: DataOf<(typeof pipelineRunEvents)[K]> };
}[keyof typeof pipelineRunEvents];
