import { PipelineErrorCodes as Codes, type PipelineRunEvent } from '@railyard/contracts';
import { describe, it } from 'vitest';
import { approvalAsked, artifact, atStaging, claimed, cmd, ok, run, runId } from './run.examples.js';

// Orchestration reports a deploy stage it executed (pipeline--deployment-outcomes), though CI claimed it.
const orchestration = { id: 'orchestration', kind: 'system' as const, roles: [] };
const deploymentId = '0193a5b0-0000-7000-8000-0000000000dd';
const requested: PipelineRunEvent = {
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
};
const deploying = [...atStaging, requested, claimed(2, 'deploy')];
const outcome = (o: 'succeeded' | 'failed' | 'refused', stage = 2) =>
  cmd({ type: 'RecordDeploymentOutcome', stage, deploymentId, outcome: o, actor: orchestration });

describe('a deploy stage reported by orchestration', () => {
  it('passes on a succeeded deployment, whoever claimed the stage, and the run moves on', () => {
    run
      .given(deploying)
      .when(outcome('succeeded'))
      .then([
        {
          type: 'StageReported',
          data: {
            runId,
            stage: 2,
            kind: 'deploy',
            outcome: 'passed',
            executor: 'orchestration',
            reason: `Deployment ${deploymentId} succeeded.`,
          },
        },
        // The next stage of the example pipeline is prod's approval.
        {
          ...approvalAsked,
          data: { ...approvalAsked.data, reason: 'Promotion into prod needs 1 approval(s) from approver.' },
        },
      ]);
  });
  it('fails the run on a failed or refused deployment', () => {
    const reason = `Deployment ${deploymentId} was refused.`;
    run
      .given(deploying)
      .when(outcome('refused'))
      .then([
        {
          type: 'StageReported',
          data: { runId, stage: 2, kind: 'deploy', outcome: 'failed', executor: 'orchestration', reason },
        },
        { type: 'PipelineRunFailed', data: { runId, stage: 2, reason } },
      ]);
  });
  it('changes nothing when the stage was already reported or the run ended', () => {
    const passedStage = [
      ...deploying,
      {
        type: 'StageReported',
        data: { runId, stage: 2, kind: 'deploy', outcome: 'passed', executor: 'orchestration', reason: 'ok' },
      } as PipelineRunEvent,
    ];
    run.given(passedStage).when(outcome('succeeded')).thenNothing();
    run
      .given([...deploying, { type: 'PipelineRunFailed', data: { runId, stage: 2, reason: 'cancelled' } }])
      .when(outcome('failed'))
      .thenNothing();
  });
  it('refuses a stage that requested no deployment', () => {
    run
      .given([...atStaging, claimed(2, 'deploy')])
      .when(outcome('succeeded'))
      .thenThrows(Codes.DEPLOYMENT_NOT_REQUESTED);
  });
});
