import type {
  ChangeCommit,
  LoadTestMetrics,
  PipelineRunEvent,
  RolloutStrategy,
  SecurityFinding,
  StageDefinition,
} from '@railyard/contracts';

export type RunArtifact = { name: string; version: string; sha256: string };

export interface ShardState {
  shard: number;
  predictedMs: number;
  status: 'running' | 'passed' | 'failed';
  attempts: { outcome: 'passed' | 'failed'; durationMs: number }[];
}

/** A started run: its pinned stages, where it is, and what its gates will read. */
export interface ActiveRun {
  exists: true;
  runId: string;
  service: string;
  stages: StageDefinition[];
  securityPolicy: string;
  artifact: RunArtifact;
  strategies: { environment: string; strategy: RolloutStrategy }[];
  changeAuthor: string;
  triggeredBy: string;
  /** The release the run ships and the commits its artifact contains (empty for version-1 runs). */
  releaseId: string | null;
  commits: ChangeCommit[];
  status: 'running' | 'succeeded' | 'failed';
  /** Index of the current stage (stages.length once succeeded). */
  current: number;
  claimedBy?: string;
  approvals: { approver: string; group: string }[];
  approvalExpiresAt?: string;
  deployedTo: string[];
  /** The deploy stages whose DeploymentRequested was recorded: orchestration may report their outcome. */
  deploymentsRequested?: number[];
  scans: { sast?: SecurityFinding[]; dast?: SecurityFinding[] };
  loadTest?: { environment: string; metrics: LoadTestMetrics };
  shardPlan?: { stage: number; predictedWallMs: number; shards: ShardState[] };
}
export type RunState = { exists: false } | ActiveRun;
export const initialRunState: RunState = { exists: false };

function advanced(run: ActiveRun): ActiveRun {
  return { ...run, current: run.current + 1, claimedBy: undefined, approvals: [], approvalExpiresAt: undefined };
}

/** Folds one run event. Advancing past a stage happens here, so decide only chooses what entering a stage records. */
export function evolveRun(state: RunState, event: PipelineRunEvent): RunState {
  if (event.type === 'PipelineRunStarted') {
    const d = event.data;
    return {
      exists: true,
      runId: d.runId,
      service: d.service,
      stages: d.stages,
      securityPolicy: d.securityPolicy,
      artifact: d.artifact,
      strategies: d.strategies,
      changeAuthor: d.changeAuthor,
      triggeredBy: d.triggeredBy,
      releaseId: d.releaseId,
      commits: d.commits,
      status: 'running',
      current: 0,
      approvals: [],
      deployedTo: [],
      scans: {},
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'StageClaimed':
      return { ...state, claimedBy: event.data.executor };
    case 'StageReported':
      return event.data.outcome === 'passed' ? advanced(state) : state;
    case 'ApprovalRequested':
      return { ...state, approvals: [], approvalExpiresAt: event.data.expiresAt };
    case 'ApprovalGranted': {
      const approvals = [...state.approvals, { approver: event.data.approver, group: event.data.group }];
      const stage = state.stages[state.current];
      const enough = stage?.kind === 'approval' && approvals.length >= stage.minApprovals;
      return enough ? advanced(state) : { ...state, approvals };
    }
    case 'DeploymentRequested':
      return {
        ...state,
        deployedTo: [...state.deployedTo, event.data.environment],
        deploymentsRequested: [...(state.deploymentsRequested ?? []), event.data.stage],
      };
    case 'PromotionBlocked':
      return state;
    case 'TestShardsPlanned':
      return {
        ...state,
        shardPlan: {
          stage: event.data.stage,
          predictedWallMs: event.data.predictedWallMs,
          shards: event.data.shards.map((s) => ({
            shard: s.shard,
            predictedMs: s.predictedMs,
            status: 'running',
            attempts: [],
          })),
        },
      };
    case 'ShardResultRecorded': {
      const plan = state.shardPlan;
      if (!plan) return state;
      const shards = plan.shards.map((s) =>
        s.shard === event.data.shard
          ? {
              ...s,
              status: event.data.outcome,
              attempts: [...s.attempts, { outcome: event.data.outcome, durationMs: event.data.durationMs }],
            }
          : s,
      );
      return { ...state, shardPlan: { ...plan, shards } };
    }
    case 'ShardsRerunRequested': {
      const plan = state.shardPlan;
      if (!plan) return state;
      const rerun = new Set(event.data.shards);
      const shards = plan.shards.map((s) => (rerun.has(s.shard) ? { ...s, status: 'running' as const } : s));
      return { ...state, shardPlan: { ...plan, shards } };
    }
    case 'SecurityScanRecorded':
      return { ...state, scans: { ...state.scans, [event.data.kind]: event.data.findings } };
    case 'LoadTestRecorded':
      return { ...state, loadTest: { environment: event.data.environment, metrics: event.data.metrics } };
    case 'PipelineRunSucceeded':
      return { ...state, status: 'succeeded' };
    case 'PipelineRunFailed':
      return { ...state, status: 'failed' };
  }
}

/** Actual wall time of a sharded stage: shards run in parallel, so the slowest shard's total (reruns included). */
export function actualWallMs(plan: NonNullable<ActiveRun['shardPlan']>): number {
  return Math.max(0, ...plan.shards.map((s) => s.attempts.reduce((sum, a) => sum + a.durationMs, 0)));
}
