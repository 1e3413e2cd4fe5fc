import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';

describe('an approval request that expires, and a cancelled run', () => {
  let f: PipelineFixture;
  let runId: string;
  beforeAll(async () => {
    f = await startPipeline('pipeExpiry');
    const rm = await f.auth('rm-ana', ['release-manager']);
    const stages = [
      { kind: 'build', name: 'build' },
      {
        kind: 'approval',
        name: 'qa sign-off',
        environment: 'staging',
        groups: ['approver'],
        minApprovals: 1,
        expiresAfterMinutes: 30,
      },
      { kind: 'deploy', name: 'staging', environment: 'staging' },
    ];
    await f.app.inject({
      method: 'PUT',
      url: '/services/billing/pipeline-definition',
      headers: rm,
      payload: { tier: 'standard', stages },
    });
    await f.publishArtifact({ name: 'billing', version: '0.9.0', sha256: 'f'.repeat(64) });
    await f.until('billing in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/billing/0.9.0/gates', headers: rm });
      return res.statusCode === 200 ? true : undefined;
    });
    const dev = await f.auth('dev-ana', ['developer']);
    const payload = { service: 'billing', artifact: { name: 'billing', version: '0.9.0' }, changeAuthor: 'dev-bo' };
    runId = (await f.app.inject({ method: 'POST', url: '/runs', headers: dev, payload })).json().id;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses a late approval, asks again on request, then accepts a fresh one', async () => {
    const post = (url: string, headers: Record<string, string>, payload?: Record<string, unknown>) =>
      f.app.inject({ method: 'POST', url: `/runs/${runId}${url}`, headers, ...(payload ? { payload } : {}) });
    await post('/stages/0/claim', ciHeaders);
    const built = await post('/stages/0/result', ciHeaders, { outcome: 'passed' });
    expect(built.json()).toMatchObject({ currentStage: 1, approvalExpiresAt: '2026-11-26T09:30:00.000Z' });

    f.clock.now = new Date('2026-11-26T09:45:00Z');
    const approver = await f.auth('qa-dee', ['approver']);
    const late = await post('/stages/1/approvals', approver);
    expect([late.statusCode, late.json().code]).toEqual([409, 'PIPELINE_APPROVAL_EXPIRED']);
    const renewed = await post('/stages/1/approval-request', ciHeaders, { reason: 'QA back online' });
    expect(renewed.json().approvalExpiresAt).toBe('2026-11-26T10:15:00.000Z');
    const approved = await post('/stages/1/approvals', approver, { reason: 'Regression suite green' });
    expect(approved.json()).toMatchObject({ currentStage: 2, approvals: [] });

    const noReason = await post('/cancel', ciHeaders, {});
    expect([noReason.statusCode, noReason.json().code]).toEqual([400, 'RAILYARD_REQUEST_INVALID']);
    const cancelled = await post('/cancel', ciHeaders, { reason: 'Superseded by 0.9.1' });
    expect(cancelled.json()).toMatchObject({ status: 'failed', currentStage: null });
    const again = await post('/cancel', ciHeaders, { reason: 'twice' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'PIPELINE_RUN_FINISHED']);

    const types = (await f.store.readStream(`pipelineRun-${runId}`)).map((e) => e.type);
    expect(types).toEqual([
      'PipelineRunStarted',
      'StageClaimed',
      'StageReported',
      'ApprovalRequested',
      'ApprovalRequested',
      'ApprovalGranted',
      'PipelineRunFailed',
    ]);
  });
});
