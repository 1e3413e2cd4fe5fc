import {
  type Actor,
  type ChangeCommit,
  PipelineErrorCodes as Codes,
  type GateResult,
  type LoadTestMetrics,
  notFound,
  type PipelineRunEvent,
  type RolloutStrategy,
  ruleViolated,
  type SecurityFinding,
  type StageDefinition,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { matrixJobs, planLpt, planRoundRobin, type SuiteTest } from '../../matrix/domain/shard-plan.js';
import { type ActiveRun, evolveRun, initialRunState, type RunArtifact, type RunState } from './run.js';

interface Issued {
  actor: Actor;
  at: Date;
  reason?: string;
}

/** What the glue computed for a promotion into an environment: gate verdicts, the strategy, the rollback target. */
export interface PromotionInputs {
  gates: GateResult[];
  strategy: RolloutStrategy;
  rollbackTarget: RunArtifact | null;
}

export type RunCommand = Issued &
  (
    | {
        type: 'StartRun';
        runId: string;
        service: string;
        definitionVersion: number;
        stages: StageDefinition[];
        tier: 'critical' | 'standard' | 'low';
        securityPolicy: string;
        strategies: { environment: string; strategy: RolloutStrategy }[];
        artifact: RunArtifact;
        changeAuthor: string;
        releaseId: string | null;
        commits: ChangeCommit[];
      }
    | { type: 'ClaimStage'; stage: number; promotion?: PromotionInputs }
    | { type: 'ReportStage'; stage: number; outcome: 'passed' | 'failed'; detailsUrl?: string }
    | {
        /** Orchestration's outcome of the deployment a deploy stage requested (pipeline--deployment-outcomes). */
        type: 'RecordDeploymentOutcome';
        stage: number;
        deploymentId: string;
        outcome: 'succeeded' | 'failed' | 'refused';
      }
    | { type: 'Approve'; stage: number }
    | { type: 'RenewApproval'; stage: number }
    | { type: 'CancelRun' }
    | { type: 'PlanShards'; stage: number; tests: SuiteTest[]; combos: string[]; shardCount: number }
    | {
        type: 'RecordShardResult';
        stage: number;
        shard: number;
        outcome: 'passed' | 'failed';
        durationMs: number;
        failedTests: string[];
      }
    | { type: 'RerunFailedShards'; stage: number }
    | { type: 'RecordSecurityScan'; kind: 'sast' | 'dast'; tool: string; findings: SecurityFinding[] }
    | { type: 'RecordLoadTest'; environment: string; metrics: LoadTestMetrics }
  );

function running(state: RunState): ActiveRun {
  if (!state.exists) throw notFound(Codes.RUN_NOT_FOUND, 'No such run.');
  if (state.status !== 'running') throw ruleViolated(Codes.RUN_FINISHED, `The run has already ${state.status}.`);
  return state;
}

function currentStage(run: ActiveRun, stage: number, kinds?: StageDefinition['kind'][]): StageDefinition {
  if (stage !== run.current) {
    throw ruleViolated(Codes.STAGE_NOT_CURRENT, `Stage ${stage} is not the current stage (${run.current}).`, {
      current: run.current,
    });
  }
  const def = run.stages[stage]!;
  if (kinds && !kinds.includes(def.kind)) {
    throw ruleViolated(Codes.STAGE_KIND_MISMATCH, `Stage ${stage} is a ${def.kind} stage, not ${kinds.join(' or ')}.`);
  }
  return def;
}

/** What entering the stage after `passed` records: an approval request, or the run's success after the last. */
function onEnteringNext(run: ActiveRun, passed: number, at: Date): PipelineRunEvent[] {
  const next = run.stages[passed + 1];
  if (!next) return [{ type: 'PipelineRunSucceeded', data: { runId: run.runId, reason: 'The last stage passed.' } }];
  if (next.kind !== 'approval') return [];
  const expiresAt = new Date(at.getTime() + next.expiresAfterMinutes * 60_000).toISOString();
  return [
    {
      type: 'ApprovalRequested',
      data: {
        runId: run.runId,
        stage: passed + 1,
        environment: next.environment,
        groups: next.groups,
        minApprovals: next.minApprovals,
        expiresAt,
        reason: `Promotion into ${next.environment} needs ${next.minApprovals} approval(s) from ${next.groups.join(', ')}.`,
      },
    },
  ];
}

function passStage(run: ActiveRun, stage: number, executor: string, at: Date, reason: string, detailsUrl?: string) {
  const kind = run.stages[stage]!.kind;
  const reported: PipelineRunEvent = {
    type: 'StageReported',
    data: { runId: run.runId, stage, kind, outcome: 'passed', executor, reason, ...(detailsUrl ? { detailsUrl } : {}) },
  };
  return [reported, ...onEnteringNext(run, stage, at)];
}

function claim(run: ActiveRun, c: Extract<RunCommand, { type: 'ClaimStage' }>): PipelineRunEvent[] {
  const def = currentStage(run, c.stage, ['build', 'test', 'deploy', 'verify']);
  if (run.claimedBy)
    throw ruleViolated(Codes.STAGE_ALREADY_CLAIMED, `Stage ${c.stage} is claimed by ${run.claimedBy}.`);
  const claimed: PipelineRunEvent = {
    type: 'StageClaimed',
    data: {
      runId: run.runId,
      stage: c.stage,
      kind: def.kind,
      executor: c.actor.id,
      reason: c.reason ?? `${c.actor.id} claimed ${def.name}.`,
    },
  };
  if (def.kind !== 'deploy') return [claimed];
  // Claiming a deploy stage is the promotion: the gates decide, and a refusal is on the record too.
  if (!c.promotion) throw ruleViolated(Codes.PROMOTION_BLOCKED, 'A deploy stage is claimed with its gate verdicts.');
  const failed = c.promotion.gates.filter((g) => !g.passed);
  if (failed.length > 0) {
    return [
      {
        type: 'PromotionBlocked',
        data: {
          runId: run.runId,
          stage: c.stage,
          environment: def.environment,
          gates: c.promotion.gates,
          reason: `Blocked by ${failed.map((g) => g.rule ?? g.gate).join(', ')}.`,
        },
      },
    ];
  }
  return [
    {
      type: 'DeploymentRequested',
      data: {
        runId: run.runId,
        stage: c.stage,
        service: run.service,
        environment: def.environment,
        artifact: run.artifact,
        strategy: c.promotion.strategy,
        rollbackTarget: c.promotion.rollbackTarget,
        gates: c.promotion.gates,
        releaseId: run.releaseId,
        commits: run.commits,
        reason: c.reason ?? `Every gate passed for ${def.environment}.`,
      },
    },
    claimed,
  ];
}

function report(run: ActiveRun, c: Extract<RunCommand, { type: 'ReportStage' }>): PipelineRunEvent[] {
  currentStage(run, c.stage, ['build', 'test', 'deploy', 'verify']);
  if (run.claimedBy !== c.actor.id) {
    throw ruleViolated(Codes.STAGE_NOT_CLAIMED, `Stage ${c.stage} is not claimed by ${c.actor.id}: claim it first.`);
  }
  const plan = run.shardPlan;
  if (c.outcome === 'passed' && plan?.stage === c.stage && plan.shards.some((s) => s.status !== 'passed')) {
    // A sharded stage passes when its shards have: a report cannot skip the failed or unfinished ones.
    throw ruleViolated(Codes.SHARDS_INCOMPLETE, 'Some shards have not passed yet.');
  }
  if (c.outcome === 'passed') {
    return passStage(run, c.stage, c.actor.id, c.at, c.reason ?? 'The executor reported success.', c.detailsUrl);
  }
  const reason = c.reason ?? 'The executor reported a failure.';
  return [
    {
      type: 'StageReported',
      data: {
        runId: run.runId,
        stage: c.stage,
        kind: run.stages[c.stage]!.kind,
        outcome: 'failed',
        executor: c.actor.id,
        reason,
        ...(c.detailsUrl ? { detailsUrl: c.detailsUrl } : {}),
      },
    },
    { type: 'PipelineRunFailed', data: { runId: run.runId, stage: c.stage, reason } },
  ];
}

/**
 * The system report of a deploy stage: the executor that claimed it promoted the run, and orchestration, which ran
 * the deployment, says how it ended. The rule: only a deploy stage whose DeploymentRequested is on the run may be
 * reported this way, whoever claimed it. Late or repeated outcomes (the stage already reported, the run ended) are
 * recorded once and then change nothing, since the consumer that sends them delivers at least once.
 */
function deploymentOutcome(
  state: RunState,
  c: Extract<RunCommand, { type: 'RecordDeploymentOutcome' }>,
): PipelineRunEvent[] {
  if (!state.exists) throw notFound(Codes.RUN_NOT_FOUND, 'No such run.');
  if (state.status !== 'running' || c.stage < state.current) return [];
  const run = state;
  currentStage(run, c.stage, ['deploy']);
  if (!run.deploymentsRequested?.includes(c.stage)) {
    throw ruleViolated(Codes.DEPLOYMENT_NOT_REQUESTED, `Stage ${c.stage} requested no deployment.`);
  }
  if (c.outcome === 'succeeded') {
    return passStage(run, c.stage, c.actor.id, c.at, c.reason ?? `Deployment ${c.deploymentId} succeeded.`);
  }
  const reason = c.reason ?? `Deployment ${c.deploymentId} ${c.outcome === 'refused' ? 'was refused' : 'failed'}.`;
  return [
    {
      type: 'StageReported',
      data: { runId: run.runId, stage: c.stage, kind: 'deploy', outcome: 'failed', executor: c.actor.id, reason },
    },
    { type: 'PipelineRunFailed', data: { runId: run.runId, stage: c.stage, reason } },
  ];
}

function approve(run: ActiveRun, c: Extract<RunCommand, { type: 'Approve' }>): PipelineRunEvent[] {
  const def = currentStage(run, c.stage, ['approval']) as Extract<StageDefinition, { kind: 'approval' }>;
  // Separation of duties (DESIGN §5): the trigger and the change's author cannot approve their own promotion.
  if (c.actor.id === run.triggeredBy || c.actor.id === run.changeAuthor) {
    throw ruleViolated(Codes.APPROVAL_SELF, 'Whoever triggered the run or authored the change cannot approve it.');
  }
  if (run.approvalExpiresAt && c.at.getTime() >= Date.parse(run.approvalExpiresAt)) {
    throw ruleViolated(Codes.APPROVAL_EXPIRED, `The approval request expired at ${run.approvalExpiresAt}.`);
  }
  const group = def.groups.find((g) => c.actor.roles.includes(g));
  if (!group) throw ruleViolated(Codes.APPROVAL_GROUP, `Approvers must belong to one of: ${def.groups.join(', ')}.`);
  if (run.approvals.some((a) => a.approver === c.actor.id)) {
    throw ruleViolated(Codes.APPROVAL_DUPLICATE, `${c.actor.id} has already approved.`);
  }
  const granted: PipelineRunEvent = {
    type: 'ApprovalGranted',
    data: { runId: run.runId, stage: c.stage, approver: c.actor.id, group, reason: c.reason ?? 'Approved.' },
  };
  return run.approvals.length + 1 >= def.minApprovals ? [granted, ...onEnteringNext(run, c.stage, c.at)] : [granted];
}

/** An expired request is asked again, from scratch: approvals given under the old one do not carry over. */
function renewApproval(run: ActiveRun, c: Extract<RunCommand, { type: 'RenewApproval' }>): PipelineRunEvent[] {
  currentStage(run, c.stage, ['approval']);
  if (run.approvalExpiresAt && c.at.getTime() < Date.parse(run.approvalExpiresAt)) {
    throw ruleViolated(Codes.APPROVAL_STILL_OPEN, `The approval request is open until ${run.approvalExpiresAt}.`);
  }
  const [asked] = onEnteringNext(run, c.stage - 1, c.at);
  if (asked?.type !== 'ApprovalRequested') return [];
  return [{ ...asked, data: { ...asked.data, reason: c.reason ?? `Approval asked again by ${c.actor.id}.` } }];
}

function planShards(run: ActiveRun, c: Extract<RunCommand, { type: 'PlanShards' }>): PipelineRunEvent[] {
  currentStage(run, c.stage, ['test']);
  if (run.shardPlan?.stage === c.stage)
    throw ruleViolated(Codes.SHARDS_ALREADY_PLANNED, 'The test stage is already sharded.');
  const jobs = matrixJobs(c.tests, c.combos);
  const plan = planLpt(jobs, c.shardCount);
  const naive = planRoundRobin(jobs, c.shardCount);
  return [
    {
      type: 'TestShardsPlanned',
      data: {
        runId: run.runId,
        stage: c.stage,
        combos: c.combos,
        shards: plan.shards,
        predictedWallMs: plan.predictedWallMs,
        roundRobinWallMs: naive.predictedWallMs,
        reason: c.reason ?? `${jobs.length} jobs on ${c.shardCount} shards, longest first.`,
      },
    },
  ];
}

function shardResult(run: ActiveRun, c: Extract<RunCommand, { type: 'RecordShardResult' }>): PipelineRunEvent[] {
  currentStage(run, c.stage, ['test']);
  const plan = run.shardPlan;
  if (!plan || plan.stage !== c.stage) throw ruleViolated(Codes.SHARDS_NOT_PLANNED, 'The test stage is not sharded.');
  const shard = plan.shards.find((s) => s.shard === c.shard);
  if (!shard) throw ruleViolated(Codes.SHARD_UNKNOWN, `No shard ${c.shard} in the plan.`);
  if (shard.status !== 'running')
    throw ruleViolated(Codes.SHARD_NOT_RUNNING, `Shard ${c.shard} already ${shard.status}.`);
  const recorded: PipelineRunEvent = {
    type: 'ShardResultRecorded',
    data: {
      runId: run.runId,
      stage: c.stage,
      shard: c.shard,
      attempt: shard.attempts.length + 1,
      outcome: c.outcome,
      durationMs: c.durationMs,
      failedTests: c.failedTests,
      reason: c.reason ?? `Shard ${c.shard} ${c.outcome}.`,
    },
  };
  const othersPassed = plan.shards.every((s) => s.shard === c.shard || s.status === 'passed');
  if (c.outcome === 'passed' && othersPassed) {
    return [recorded, ...passStage(run, c.stage, c.actor.id, c.at, 'Every shard passed.')];
  }
  return [recorded];
}

function rerun(run: ActiveRun, c: Extract<RunCommand, { type: 'RerunFailedShards' }>): PipelineRunEvent[] {
  currentStage(run, c.stage, ['test']);
  const plan = run.shardPlan;
  if (!plan || plan.stage !== c.stage) throw ruleViolated(Codes.SHARDS_NOT_PLANNED, 'The test stage is not sharded.');
  const failed = plan.shards.filter((s) => s.status === 'failed').map((s) => s.shard);
  if (failed.length === 0) throw ruleViolated(Codes.NO_FAILED_SHARDS, 'No shard has failed: nothing to rerun.');
  return [
    {
      type: 'ShardsRerunRequested',
      data: {
        runId: run.runId,
        stage: c.stage,
        shards: failed,
        reason: c.reason ?? `Rerun of failed shards ${failed.join(', ')}.`,
      },
    },
  ];
}

/** decide(): each command's rules over the run's state. */
export function decideRun(c: RunCommand, state: RunState): PipelineRunEvent[] {
  if (c.type === 'StartRun') {
    if (state.exists) return [];
    const { type: _t, actor, at: _a, reason, ...data } = c;
    return [
      {
        type: 'PipelineRunStarted',
        data: { ...data, triggeredBy: actor.id, reason: reason ?? `Run of ${c.artifact.name}@${c.artifact.version}.` },
      },
    ];
  }
  if (c.type === 'RecordDeploymentOutcome') return deploymentOutcome(state, c);
  const run = running(state);
  switch (c.type) {
    case 'ClaimStage':
      return claim(run, c);
    case 'ReportStage':
      return report(run, c);
    case 'Approve':
      return approve(run, c);
    case 'RenewApproval':
      return renewApproval(run, c);
    case 'CancelRun':
      return [
        {
          type: 'PipelineRunFailed',
          data: { runId: run.runId, stage: run.current, reason: c.reason ?? `Cancelled by ${c.actor.id}.` },
        },
      ];
    case 'PlanShards':
      return planShards(run, c);
    case 'RecordShardResult':
      return shardResult(run, c);
    case 'RerunFailedShards':
      return rerun(run, c);
    case 'RecordSecurityScan':
      return [
        {
          type: 'SecurityScanRecorded',
          data: {
            runId: run.runId,
            kind: c.kind,
            tool: c.tool,
            findings: c.findings,
            reason: c.reason ?? `${c.kind} results from ${c.tool}.`,
          },
        },
      ];
    case 'RecordLoadTest':
      return [
        {
          type: 'LoadTestRecorded',
          data: {
            runId: run.runId,
            environment: c.environment,
            metrics: c.metrics,
            reason: c.reason ?? `Load test in ${c.environment}.`,
          },
        },
      ];
  }
}

export const runDecider: Decider<RunCommand, PipelineRunEvent, RunState> = {
  initialState: initialRunState,
  evolve: evolveRun,
  decide: decideRun,
};
