import {
  PipelineErrorCodes as Codes,
  ErrorCodes,
  LoadTestRecorded,
  type PipelineRunEvent,
  SecurityScanRecorded,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RunSpecFixture, startRunSpecs } from '../../test-support/run-spec.js';
import { ci, started } from '../domain/run.examples.js';

describe('POST /runs/:id/security-scans and /load-tests', () => {
  let s: RunSpecFixture;
  beforeAll(async () => {
    s = await startRunSpecs('pipeRunEvidence');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const finding = { id: 'CVE-2026-9', rule: 'xss', severity: 'high' as const, title: 'Reflected XSS' };
  const metrics = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 850, errorRate: 0.001 };
  const scan = (id: string, payload: unknown) => s.request('POST', `/runs/${id}/security-scans`, ci, payload);
  const loadTest = (id: string, payload: unknown) => s.request('POST', `/runs/${id}/load-tests`, ci, payload);
  const ended = (id: string): PipelineRunEvent => ({
    type: 'PipelineRunFailed',
    data: { runId: id, stage: 0, reason: 'cancelled' },
  });

  describe('security-scans', () => {
    it('records the findings: SecurityScanRecorded', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, started)
        .when(scan(id, { kind: 'sast', tool: 'semgrep', findings: [finding] }))
        .then({
          status: 201,
          body: { id, status: 'running' },
          events: {
            [stream]: [
              event(SecurityScanRecorded, {
                runId: id,
                kind: 'sast',
                tool: 'semgrep',
                findings: [finding],
                reason: 'sast results from semgrep.',
              }),
            ],
          },
        });
    });

    it('409 PIPELINE_RUN_FINISHED for an ended run', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, ended(id))
        .when(scan(id, { kind: 'dast', tool: 'zap', findings: [] }))
        .then({ status: 409, code: Codes.RUN_FINISHED });
    });

    it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
      const { id, stream } = s.fresh();
      await s
        .spec()
        .given(stream)
        .when(scan(id, { kind: 'dast', tool: 'zap', findings: [] }))
        .then({ status: 404, code: Codes.RUN_NOT_FOUND });
    });

    it('400 for a kind other than sast or dast', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started)
        .when(scan(id, { kind: 'iast', tool: 'zap', findings: [] }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('load-tests', () => {
    it('records the results: LoadTestRecorded', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, started)
        .when(loadTest(id, { environment: 'staging', metrics, reason: 'k6 nightly' }))
        .then({
          status: 201,
          events: {
            [stream]: [event(LoadTestRecorded, { runId: id, environment: 'staging', metrics, reason: 'k6 nightly' })],
          },
        });
    });

    it('409 PIPELINE_RUN_FINISHED for an ended run', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started, ended(id))
        .when(loadTest(id, { environment: 'staging', metrics }))
        .then({ status: 409, code: Codes.RUN_FINISHED });
    });

    it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
      const { id, stream } = s.fresh();
      await s
        .spec()
        .given(stream)
        .when(loadTest(id, { environment: 'staging', metrics }))
        .then({ status: 404, code: Codes.RUN_NOT_FOUND });
    });

    it('400 for an error rate above 1', async () => {
      const { id } = s.fresh();
      await s
        .given(id, started)
        .when(loadTest(id, { environment: 'staging', metrics: { ...metrics, errorRate: 1.5 } }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });
});
