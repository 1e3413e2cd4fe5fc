import { PipelineErrorCodes as Codes } from '@railyard/contracts';
import { describe, it } from 'vitest';
import { runDecider } from './run.decide.js';
import {
  approvalAsked,
  approver,
  atApproval,
  atStaging,
  claimed,
  cmd,
  fold,
  passed,
  run,
  runId,
  started,
} from './run.examples.js';

describe('a run waiting for an approval that expired', () => {
  it('refuses the approval, and asks again from scratch once renewed', () => {
    const late = new Date('2026-11-26T11:30:00Z');
    run
      .given(atApproval)
      .when(cmd({ type: 'Approve', stage: 3, actor: approver, at: late }))
      .thenThrows(Codes.APPROVAL_EXPIRED);
    run
      .given(atApproval)
      .when(cmd({ type: 'RenewApproval', stage: 3, at: late, reason: 'Back from the weekend' }))
      .then([
        {
          type: 'ApprovalRequested',
          data: { ...approvalAsked.data, expiresAt: '2026-11-26T12:30:00.000Z', reason: 'Back from the weekend' },
        },
      ]);
  });
  it('refuses to renew a request that is still open', () => {
    run
      .given(atApproval)
      .when(cmd({ type: 'RenewApproval', stage: 3 }))
      .thenThrows(Codes.APPROVAL_STILL_OPEN);
    run
      .given(atStaging)
      .when(cmd({ type: 'RenewApproval', stage: 2 }))
      .thenThrows(Codes.STAGE_KIND_MISMATCH);
  });
});

describe('cancelling a run', () => {
  it('ends it at the current stage with the reason', () => {
    run
      .given(atStaging)
      .when(cmd({ type: 'CancelRun', reason: 'Superseded by 2.3.2' }))
      .then([{ type: 'PipelineRunFailed', data: { runId, stage: 2, reason: 'Superseded by 2.3.2' } }]);
  });
  it('refuses a run that already ended', () => {
    const ended = [...atStaging, { type: 'PipelineRunFailed' as const, data: { runId, stage: 2, reason: 'x' } }];
    run
      .given(ended)
      .when(cmd({ type: 'CancelRun' }))
      .thenThrows(Codes.RUN_FINISHED);
  });
});

describe('a sharded test stage', () => {
  it('cannot be reported passed while a shard has not passed, but can be reported failed', () => {
    const atTest = [started, claimed(0, 'build'), passed(0, 'build'), claimed(1, 'test')];
    const plan = cmd({
      type: 'PlanShards',
      stage: 1,
      tests: [{ name: 'a', durationMs: 5 }],
      combos: ['chrome', 'safari'],
      shardCount: 2,
    });
    const planned = [...atTest, ...runDecider.decide(plan, fold(atTest))];
    run
      .given(planned)
      .when(cmd({ type: 'ReportStage', stage: 1, outcome: 'passed' }))
      .thenThrows(Codes.SHARDS_INCOMPLETE);
    run
      .given(planned)
      .when(cmd({ type: 'ReportStage', stage: 1, outcome: 'failed', reason: 'safari down' }))
      .then([
        {
          type: 'StageReported',
          data: { runId, stage: 1, kind: 'test', outcome: 'failed', executor: 'ci-jenkins', reason: 'safari down' },
        },
        { type: 'PipelineRunFailed', data: { runId, stage: 1, reason: 'safari down' } },
      ]);
  });
});
