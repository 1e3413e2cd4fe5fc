import {
  ApprovalRequested,
  PipelineErrorCodes as Codes,
  DeploymentRequested,
  ErrorCodes,
  type GateResult,
  type PipelineRunEvent,
  PipelineRunFailed,
  PipelineRunSucceeded,
  PromotionBlocked,
  ReleaseAccepted,
  StageClaimed,
  StageReported,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { baselineStream, policyStream } from '../../gates/gate-commands.js';
import {
  noCritical,
  policyVersioned,
  type RunSpecFixture,
  startedWith,
  startRunSpecs,
} from '../../test-support/run-spec.js';
import {
  approvalAsked,
  artifact,
  atApproval,
  atStaging,
  ci,
  claimed,
  passed,
  started,
} from '../domain/run.examples.js';

describe('POST /runs/:id/stages/:stage/claim and /result', () => {
  let s: RunSpecFixture;
  /** Another build of payments-api, signed: promotable into prod. */
  const signedArtifact = { name: 'payments-api', version: '2.3.2', sha256: 'b'.repeat(64) };
  beforeAll(async () => {
    s = await startRunSpecs('pipeStageActions', { artifactKnown: true });
    await s.f.publishArtifact({ ...signedArtifact, signed: true });
    await s.f.until(`${signedArtifact.version} signed in the gate read model`, async () => {
      const { rowCount } = await s.f.pool.query(
        'SELECT 1 FROM pipeline.artifact_gates WHERE name = $1 AND version = $2 AND signed',
        [signedArtifact.name, signedArtifact.version],
      );
      return rowCount ? true : undefined;
    });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const claim = (id: string, stage: number, payload?: unknown) =>
    s.request('POST', `/runs/${id}/stages/${stage}/claim`, ci, payload);
  const result = (id: string, stage: number, payload: unknown) =>
    s.request('POST', `/runs/${id}/stages/${stage}/result`, ci, payload);
  /** A run of its own security policy (a fresh name), so the specifications of this file never share one. */
  const freshPolicy = () => `pol-${crypto.randomUUID().slice(0, 8)}`;
  const artifactPassed: GateResult = {
    gate: 'artifact',
    passed: true,
    rule: 'vulnerabilities.critical',
    detail: 'No critical vulnerability recorded.',
  };

  describe('claim', () => {
    it('claims a build stage: StageClaimed by the executor', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, started)
        .when(claim(id, 0))
        .then({
          status: 200,
          body: { id, status: 'running', currentStage: 0 },
          events: {
            [stream]: [
              event(StageClaimed, {
                runId: id,
                stage: 0,
                kind: 'build',
                executor: 'ci-jenkins',
                reason: 'ci-jenkins claimed build.',
              }),
            ],
          },
        });
    });

    it('claims a deploy stage whose gates pass: DeploymentRequested (the promotion), then StageClaimed', async () => {
      const { id, stream } = s.fresh();
      const pol = freshPolicy();
      await s
        .given(id, startedWith({ securityPolicy: pol }), ...atStaging.slice(1))
        .given(policyStream(pol), policyVersioned(pol, [noCritical]))
        .when(claim(id, 2, { reason: 'deploying to staging' }))
        .then({
          status: 200,
          events: {
            [stream]: [
              event(DeploymentRequested, {
                runId: id,
                stage: 2,
                service: 'payments-api',
                environment: 'staging',
                artifact,
                strategy: { type: 'rolling', batchPercent: 25 },
                rollbackTarget: null,
                gates: [
                  { gate: 'security', passed: true, rule: `${pol}@1`, detail: 'Every rule passed.', findings: [] },
                  artifactPassed,
                ],
                releaseId: null,
                commits: [],
                reason: 'deploying to staging',
              }),
              event(StageClaimed, {
                runId: id,
                stage: 2,
                kind: 'deploy',
                executor: 'ci-jenkins',
                reason: 'deploying to staging',
              }),
            ],
          },
        });
    });

    it('409 PIPELINE_PROMOTION_BLOCKED when a gate fails, the refusal on the record: PromotionBlocked', async () => {
      const { id, stream } = s.fresh();
      const pol = freshPolicy();
      const securityFailed: GateResult = {
        gate: 'security',
        passed: false,
        rule: `${pol}@1/no-critical`,
        detail: '1 finding(s) match "no critical finding" (at most 0 allowed).',
        findings: ['CVE-2026-1'],
      };
      const scan = {
        type: 'SecurityScanRecorded' as const,
        data: {
          runId: id,
          kind: 'sast' as const,
          tool: 'semgrep',
          findings: [{ id: 'CVE-2026-1', rule: 'sql-injection', severity: 'critical' as const }],
          reason: 'scan',
        },
      };
      await s
        .given(id, startedWith({ securityPolicy: pol }), ...atStaging.slice(1), scan)
        .given(policyStream(pol), policyVersioned(pol, [noCritical]))
        .when(claim(id, 2))
        .then({
          status: 409,
          code: Codes.PROMOTION_BLOCKED,
          body: { gates: [securityFailed, artifactPassed] },
          events: {
            [stream]: [
              event(PromotionBlocked, {
                runId: id,
                stage: 2,
                environment: 'staging',
                gates: [securityFailed, artifactPassed],
                reason: `Blocked by ${pol}@1/no-critical.`,
              }),
            ],
          },
        });
    });

    it('409 PIPELINE_PROMOTION_BLOCKED into prod without a load test or a signature: PromotionBlocked', async () => {
      const { id, stream } = s.fresh();
      const pol = freshPolicy();
      const approved: PipelineRunEvent = {
        type: 'ApprovalGranted',
        data: { runId: id, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'CAB' },
      };
      const gates: GateResult[] = [
        { gate: 'security', passed: true, rule: `${pol}@1`, detail: 'Every rule passed.', findings: [] },
        {
          gate: 'performance',
          passed: false,
          rule: 'load-test.required',
          detail: 'No load-test result recorded on the run.',
        },
        {
          gate: 'artifact',
          passed: false,
          rule: 'signature.required',
          detail: 'No signature of this digest is known.',
        },
      ];
      await s
        .given(id, startedWith({ securityPolicy: pol }), ...atApproval.slice(1), approved)
        .given(policyStream(pol), policyVersioned(pol, [noCritical]))
        .when(claim(id, 4))
        .then({
          status: 409,
          code: Codes.PROMOTION_BLOCKED,
          body: { gates },
          events: {
            [stream]: [
              event(PromotionBlocked, {
                runId: id,
                stage: 4,
                environment: 'prod',
                gates,
                reason: 'Blocked by load-test.required, signature.required.',
              }),
            ],
          },
        });
    });

    it('promotes into prod a signed build whose load test holds the baseline: blue-green, rolling back to the last accepted release', async () => {
      const { id, stream } = s.fresh();
      const pol = freshPolicy();
      const metrics = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 850, errorRate: 0.001 };
      const accepted = { runId: crypto.randomUUID(), artifact, metrics };
      const history: PipelineRunEvent[] = [
        startedWith({ securityPolicy: pol, artifact: signedArtifact }),
        ...atApproval.slice(1),
        {
          type: 'ApprovalGranted',
          data: { runId: id, stage: 3, approver: 'appr-cy', group: 'approver', reason: 'CAB' },
        },
        {
          type: 'LoadTestRecorded',
          data: { runId: id, environment: 'staging', metrics: { ...metrics, p95Ms: 125 }, reason: 'k6' },
        },
      ];
      const gates: GateResult[] = [
        { gate: 'security', passed: true, rule: `${pol}@1`, detail: 'Every rule passed.', findings: [] },
        {
          gate: 'performance',
          passed: true,
          rule: 'baseline.regression',
          detail: 'Within the thresholds of the baseline.',
        },
        {
          gate: 'artifact',
          passed: true,
          rule: 'signature.required',
          detail: 'Signed, and no critical vulnerability recorded.',
        },
      ];
      await s
        .given(id, ...history)
        .given(policyStream(pol), policyVersioned(pol, [noCritical]))
        .given(
          baselineStream('payments-api'),
          event(ReleaseAccepted, { service: 'payments-api', ...accepted, reason: 'Release 2.3.1 accepted.' }),
        )
        .when(claim(id, 4))
        .then({
          status: 200,
          body: { id, currentStage: 4 },
          events: {
            [stream]: [
              event(DeploymentRequested, {
                runId: id,
                stage: 4,
                service: 'payments-api',
                environment: 'prod',
                artifact: signedArtifact,
                strategy: { type: 'blue-green' },
                rollbackTarget: artifact,
                gates,
                releaseId: null,
                commits: [],
                reason: 'Every gate passed for prod.',
              }),
              event(StageClaimed, {
                runId: id,
                stage: 4,
                kind: 'deploy',
                executor: 'ci-jenkins',
                reason: 'ci-jenkins claimed prod.',
              }),
            ],
          },
        });
    });

    it('409 PIPELINE_STAGE_NOT_CURRENT for a stage ahead of the current one', async () => {
      const { id } = s.fresh();
      await s.given(id, started).when(claim(id, 1)).then({ status: 409, code: Codes.STAGE_NOT_CURRENT });
    });

    it('409 PIPELINE_STAGE_KIND_MISMATCH for an approval stage', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atApproval)
        .when(claim(id, 3))
        .then({ status: 409, code: Codes.STAGE_KIND_MISMATCH });
    });

    it('409 PIPELINE_STAGE_ALREADY_CLAIMED for a claimed stage', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, claimed(0, 'build'))
        .when(claim(id, 0))
        .then({ status: 409, code: Codes.STAGE_ALREADY_CLAIMED });
    });

    it('409 PIPELINE_RUN_FINISHED for an ended run', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, { type: 'PipelineRunFailed', data: { runId: id, stage: 0, reason: 'cancelled' } })
        .when(claim(id, 0))
        .then({ status: 409, code: Codes.RUN_FINISHED });
    });

    it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
      const { id, stream } = s.fresh();
      await s.spec().given(stream).when(claim(id, 0)).then({ status: 404, code: Codes.RUN_NOT_FOUND });
    });

    it('400 for a stage that is not a number', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started)
        .when(s.request('POST', `/runs/${id}/stages/first/claim`, ci))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('result', () => {
    it('a passed build stage moves the run on: StageReported', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, started, claimed(0, 'build'))
        .when(result(id, 0, { outcome: 'passed', detailsUrl: 'https://ci.example/1', reason: 'green' }))
        .then({
          status: 200,
          body: { id, status: 'running', currentStage: 1 },
          events: {
            [stream]: [
              event(StageReported, {
                runId: id,
                stage: 0,
                kind: 'build',
                outcome: 'passed',
                executor: 'ci-jenkins',
                reason: 'green',
                detailsUrl: 'https://ci.example/1',
              }),
            ],
          },
        });
    });

    it('a passed stage before an approval asks for it: StageReported, ApprovalRequested (expiring in 60 minutes)', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, ...atStaging, claimed(2, 'deploy'))
        .when(result(id, 2, { outcome: 'passed' }))
        .then({
          status: 200,
          events: {
            [stream]: [
              event(StageReported, {
                runId: id,
                stage: 2,
                kind: 'deploy',
                outcome: 'passed',
                executor: 'ci-jenkins',
                reason: 'The executor reported success.',
              }),
              event(ApprovalRequested, {
                ...approvalAsked.data,
                runId: id,
                expiresAt: '2026-11-26T11:00:00.000Z',
                reason: 'Promotion into prod needs 1 approval(s) from approver.',
              }),
            ],
          },
        });
    });

    it('the last stage passed: StageReported, PipelineRunSucceeded', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, startedWith({ stages: [{ kind: 'build', name: 'build' }] }), claimed(0, 'build'))
        .when(result(id, 0, { outcome: 'passed', reason: 'green' }))
        .then({
          status: 200,
          body: { id, status: 'succeeded' },
          events: {
            [stream]: [
              event(StageReported, {
                runId: id,
                stage: 0,
                kind: 'build',
                outcome: 'passed',
                executor: 'ci-jenkins',
                reason: 'green',
              }),
              event(PipelineRunSucceeded, { runId: id, reason: 'The last stage passed.' }),
            ],
          },
        });
    });

    it('a failed stage fails the run: StageReported, PipelineRunFailed', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, started, claimed(0, 'build'))
        .when(result(id, 0, { outcome: 'failed', reason: 'compile error' }))
        .then({
          status: 200,
          body: { id, status: 'failed' },
          events: {
            [stream]: [
              event(StageReported, {
                runId: id,
                stage: 0,
                kind: 'build',
                outcome: 'failed',
                executor: 'ci-jenkins',
                reason: 'compile error',
              }),
              event(PipelineRunFailed, { runId: id, stage: 0, reason: 'compile error' }),
            ],
          },
        });
    });

    it('409 PIPELINE_STAGE_NOT_CLAIMED for a stage nobody claimed', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started)
        .when(result(id, 0, { outcome: 'passed' }))
        .then({ status: 409, code: Codes.STAGE_NOT_CLAIMED });
    });

    it('409 PIPELINE_SHARDS_INCOMPLETE for a sharded stage whose shards have not all passed', async () => {
      const { id } = s.fresh();
      const planned = {
        type: 'TestShardsPlanned' as const,
        data: {
          runId: id,
          stage: 1,
          combos: ['chrome/desktop'],
          shards: [
            { shard: 0, jobs: [{ test: 'checkout', combo: 'chrome/desktop', durationMs: 100 }], predictedMs: 100 },
          ],
          predictedWallMs: 100,
          roundRobinWallMs: 100,
          reason: 'sharded',
        },
      };
      await s
        .given(id, started, claimed(0, 'build'), passed(0, 'build'), claimed(1, 'test'), planned)
        .when(result(id, 1, { outcome: 'passed' }))
        .then({ status: 409, code: Codes.SHARDS_INCOMPLETE });
    });

    it('409 PIPELINE_RUN_FINISHED for an ended run', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, claimed(0, 'build'), {
          type: 'PipelineRunFailed',
          data: { runId: id, stage: 0, reason: 'x' },
        })
        .when(result(id, 0, { outcome: 'passed' }))
        .then({ status: 409, code: Codes.RUN_FINISHED });
    });

    it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
      const { id, stream } = s.fresh();
      await s
        .spec()
        .given(stream)
        .when(result(id, 0, { outcome: 'passed' }))
        .then({ status: 404, code: Codes.RUN_NOT_FOUND });
    });

    it('400 for an outcome other than passed or failed', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, claimed(0, 'build'))
        .when(result(id, 0, { outcome: 'skipped' }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });
});
