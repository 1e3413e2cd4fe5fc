import { PipelineErrorCodes as Codes, type PipelineRunEvent } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { runDecider } from './run.decide.js';
import {
  approvalAsked,
  approver,
  artifact,
  atApproval,
  atStaging,
  author,
  claimed,
  cmd,
  dev,
  fold,
  ok,
  passed,
  run,
  runId,
  started,
} from './run.examples.js';

describe('a run', () => {
  describe('when running a build stage', () => {
    it('is claimed by an executor, then reported', () => {
      run
        .given([started])
        .when(cmd({ type: 'ClaimStage', stage: 0, reason: 'claimed' }))
        .then([claimed(0, 'build')]);
      run
        .given([started, claimed(0, 'build')])
        .when(cmd({ type: 'ReportStage', stage: 0, outcome: 'passed', reason: 'ok' }))
        .then([passed(0, 'build')]);
    });
    it('refuses a report from an executor that did not claim it', () => {
      run
        .given([started])
        .when(cmd({ type: 'ReportStage', stage: 0, outcome: 'passed' }))
        .thenThrows(Codes.STAGE_NOT_CLAIMED);
      run
        .given([started, claimed(0, 'build')])
        .when(cmd({ type: 'ReportStage', stage: 0, outcome: 'passed', actor: dev }))
        .thenThrows(Codes.STAGE_NOT_CLAIMED);
    });
    it('refuses a stage that is not the current one, and a second claim', () => {
      run
        .given([started])
        .when(cmd({ type: 'ClaimStage', stage: 1 }))
        .thenThrows(Codes.STAGE_NOT_CURRENT);
      run
        .given([started, claimed(0, 'build')])
        .when(cmd({ type: 'ClaimStage', stage: 0 }))
        .thenThrows(Codes.STAGE_ALREADY_CLAIMED);
    });
    it('fails the run on a failed stage, and refuses anything after', () => {
      const events = run
        .given([started, claimed(0, 'build')])
        .when(cmd({ type: 'ReportStage', stage: 0, outcome: 'failed', reason: 'compile error' }))
        .then([
          {
            type: 'StageReported',
            data: {
              runId,
              stage: 0,
              kind: 'build',
              outcome: 'failed',
              executor: 'ci-jenkins',
              reason: 'compile error',
            },
          },
          { type: 'PipelineRunFailed', data: { runId, stage: 0, reason: 'compile error' } },
        ]);
      run
        .given([started, claimed(0, 'build'), ...events])
        .when(cmd({ type: 'ClaimStage', stage: 0 }))
        .thenThrows(Codes.RUN_FINISHED);
    });
  });

  describe('when promoting into an environment', () => {
    it('requests the deployment with strategy and rollback target when every gate passes', () => {
      run
        .given(atStaging)
        .when(cmd({ type: 'ClaimStage', stage: 2, promotion: ok, reason: 'claimed' }))
        .then([
          {
            type: 'DeploymentRequested',
            data: {
              runId,
              stage: 2,
              service: 'payments-api',
              environment: 'staging',
              artifact,
              strategy: { type: 'blue-green' },
              rollbackTarget: null,
              gates: ok.gates,
              releaseId: null,
              commits: [],
              reason: 'claimed',
            },
          },
          claimed(2, 'deploy'),
        ]);
    });
    it('records the block, with the gates, and stays at the stage', () => {
      const gates = [
        {
          gate: 'security' as const,
          passed: false,
          rule: 'default@1/no-critical',
          detail: '1 finding',
          findings: ['F1'],
        },
      ];
      run
        .given(atStaging)
        .when(cmd({ type: 'ClaimStage', stage: 2, promotion: { ...ok, gates } }))
        .then([
          {
            type: 'PromotionBlocked',
            data: { runId, stage: 2, environment: 'staging', gates, reason: 'Blocked by default@1/no-critical.' },
          },
        ]);
    });
  });

  describe('when waiting for an approval', () => {
    it('asks for it once the previous stage passes, with its expiry', () => {
      const [, asked] = run
        .given([...atStaging, claimed(2, 'deploy')])
        .when(cmd({ type: 'ReportStage', stage: 2, outcome: 'passed', reason: 'ok' }))
        .then([
          passed(2, 'deploy'),
          {
            ...approvalAsked,
            data: { ...approvalAsked.data, reason: 'Promotion into prod needs 1 approval(s) from approver.' },
          },
        ]);
      expect(asked?.type).toBe('ApprovalRequested');
    });
    it('refuses the trigger and the author of the change (separation of duties)', () => {
      run
        .given(atApproval)
        .when(cmd({ type: 'Approve', stage: 3, actor: { ...dev, roles: ['approver'] } }))
        .thenThrows(Codes.APPROVAL_SELF);
      run
        .given(atApproval)
        .when(cmd({ type: 'Approve', stage: 3, actor: author }))
        .thenThrows(Codes.APPROVAL_SELF);
    });
    it('refuses someone outside the approver groups, and an approval after expiry', () => {
      run
        .given(atApproval)
        .when(cmd({ type: 'Approve', stage: 3, actor: { ...approver, roles: ['developer'] } }))
        .thenThrows(Codes.APPROVAL_GROUP);
      run
        .given(atApproval)
        .when(cmd({ type: 'Approve', stage: 3, actor: approver, at: new Date('2026-11-26T11:00:00Z') }))
        .thenThrows(Codes.APPROVAL_EXPIRED);
    });
    it('moves on once enough approvers approved', () => {
      const t = run.given(atApproval).when(cmd({ type: 'Approve', stage: 3, actor: approver, reason: 'looks good' }));
      t.then([
        {
          type: 'ApprovalGranted',
          data: { runId, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'looks good' },
        },
      ]);
      const after = run.given([
        ...atApproval,
        ...t.then([
          {
            type: 'ApprovalGranted',
            data: { runId, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'looks good' },
          },
        ]),
      ]);
      after.when(cmd({ type: 'ClaimStage', stage: 4, promotion: ok })).then([
        {
          type: 'DeploymentRequested',
          data: {
            runId,
            stage: 4,
            service: 'payments-api',
            environment: 'prod',
            artifact,
            strategy: { type: 'blue-green' },
            rollbackTarget: null,
            gates: ok.gates,
            releaseId: null,
            commits: [],
            reason: 'Every gate passed for prod.',
          },
        },
        {
          type: 'StageClaimed',
          data: { runId, stage: 4, kind: 'deploy', executor: 'ci-jenkins', reason: 'ci-jenkins claimed prod.' },
        },
      ]);
    });
    it('succeeds after the last stage', () => {
      const granted: PipelineRunEvent = {
        type: 'ApprovalGranted',
        data: { runId, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'ok' },
      };
      const history = [...atApproval, granted, claimed(4, 'deploy'), passed(4, 'deploy'), claimed(5, 'verify')];
      run
        .given(history)
        .when(cmd({ type: 'ReportStage', stage: 5, outcome: 'passed', reason: 'ok' }))
        .then([
          passed(5, 'verify'),
          { type: 'PipelineRunSucceeded', data: { runId, reason: 'The last stage passed.' } },
        ]);
    });
  });

  describe('with two approvals required', () => {
    const twoNeeded = atApproval.map((e) =>
      e.type === 'PipelineRunStarted'
        ? {
            ...e,
            data: {
              ...e.data,
              stages: e.data.stages.map((s) => (s.kind === 'approval' ? { ...s, minApprovals: 2 } : s)),
            },
          }
        : e,
    );
    const granted: PipelineRunEvent = {
      type: 'ApprovalGranted',
      data: { runId, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'ok' },
    };
    it('refuses the same approver twice, and stays at the approval until the second', () => {
      run
        .given([...twoNeeded, granted])
        .when(cmd({ type: 'Approve', stage: 3, actor: approver }))
        .thenThrows(Codes.APPROVAL_DUPLICATE);
      const t = run.given([...twoNeeded, granted]);
      expect(t.when(cmd({ type: 'ClaimStage', stage: 4, promotion: ok })).state).toMatchObject({ current: 3 });
      t.when(cmd({ type: 'ClaimStage', stage: 4, promotion: ok })).thenThrows(Codes.STAGE_NOT_CURRENT);
    });
  });

  describe('whatever the state', () => {
    it('refuses commands on a run that never started', () => {
      run.when(cmd({ type: 'ClaimStage', stage: 0 })).thenThrows(Codes.RUN_NOT_FOUND);
    });
    it('records nothing when the start is repeated', () => {
      const { triggeredBy: _by, ...data } = started.data;
      run
        .given([started])
        .when(cmd({ type: 'StartRun', ...data }))
        .thenNothing();
    });
    it('refuses the wrong kind of action for a stage', () => {
      run
        .given([started])
        .when(cmd({ type: 'Approve', stage: 0, actor: approver }))
        .thenThrows(Codes.STAGE_KIND_MISMATCH);
      run
        .given(atApproval)
        .when(cmd({ type: 'ClaimStage', stage: 3 }))
        .thenThrows(Codes.STAGE_KIND_MISMATCH);
    });
    it('records evidence for the gates only while running', () => {
      const metrics = { p50Ms: 1, p95Ms: 2, p99Ms: 3, throughputRps: 4, errorRate: 0 };
      run
        .given([started])
        .when(cmd({ type: 'RecordLoadTest', environment: 'staging', metrics, reason: 'k6' }))
        .then([{ type: 'LoadTestRecorded', data: { runId, environment: 'staging', metrics, reason: 'k6' } }]);
      const failed: PipelineRunEvent = { type: 'PipelineRunFailed', data: { runId, stage: 0, reason: 'x' } };
      run
        .given([started, failed])
        .when(cmd({ type: 'RecordSecurityScan', kind: 'sast', tool: 't', findings: [] }))
        .thenThrows(Codes.RUN_FINISHED);
    });
  });

  describe('when the test stage is sharded', () => {
    const atTest = [started, claimed(0, 'build'), passed(0, 'build')];
    const plan = cmd({
      type: 'PlanShards',
      stage: 1,
      tests: [
        { name: 'slow', durationMs: 90 },
        { name: 'a', durationMs: 30 },
        { name: 'b', durationMs: 30 },
        { name: 'c', durationMs: 30 },
      ],
      combos: ['chrome'],
      shardCount: 2,
    });
    const planned = () => runDecider.decide(plan, fold(atTest));
    const result = (shard: number, outcome: 'passed' | 'failed', durationMs: number) =>
      cmd({
        type: 'RecordShardResult',
        stage: 1,
        shard,
        outcome,
        durationMs,
        failedTests: outcome === 'failed' ? ['a'] : [],
      });

    it('plans longest first and says what round-robin would have taken', () => {
      const [event] = planned();
      if (event?.type !== 'TestShardsPlanned') throw new Error('expected a plan');
      expect(event.data.predictedWallMs).toBe(90);
      expect(event.data.roundRobinWallMs).toBe(120);
      expect(event.data.shards.map((s) => s.jobs.map((j) => j.test))).toEqual([['slow'], ['a', 'b', 'c']]);
    });
    it('reruns only failed shards, and passes the stage when every shard has passed', () => {
      const history = [...atTest, ...planned()];
      const failed = runDecider.decide(result(1, 'failed', 100), fold(history));
      expect(failed.map((e) => e.type)).toEqual(['ShardResultRecorded']);
      const h2 = [...history, ...failed, ...runDecider.decide(result(0, 'passed', 95), fold([...history, ...failed]))];
      run
        .given(h2)
        .when(cmd({ type: 'RerunFailedShards', stage: 1, reason: 'flaky' }))
        .then([{ type: 'ShardsRerunRequested', data: { runId, stage: 1, shards: [1], reason: 'flaky' } }]);
      run
        .given(h2)
        .when(result(0, 'passed', 1))
        .thenThrows(Codes.SHARD_NOT_RUNNING);
      const h3 = [
        ...h2,
        { type: 'ShardsRerunRequested', data: { runId, stage: 1, shards: [1], reason: 'flaky' } } as PipelineRunEvent,
      ];
      const done = runDecider.decide(result(1, 'passed', 80), fold(h3));
      expect(done.map((e) => e.type)).toEqual(['ShardResultRecorded', 'StageReported']);
      expect(done[0]?.data).toMatchObject({ attempt: 2 });
    });
    it('refuses a rerun when nothing failed, and results before a plan', () => {
      run
        .given([...atTest, ...planned()])
        .when(cmd({ type: 'RerunFailedShards', stage: 1 }))
        .thenThrows(Codes.NO_FAILED_SHARDS);
      run
        .given(atTest)
        .when(result(0, 'passed', 1))
        .thenThrows(Codes.SHARDS_NOT_PLANNED);
    });
  });
});
