import { PipelineErrorCodes as Codes, ErrorCodes, type PipelineRunEvent, ReleaseAccepted } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { artifact, dev } from '../../runs/domain/run.examples.js';
import { type RunSpecFixture, startedWith, startRunSpecs } from '../../test-support/run-spec.js';
import { baselineStream } from '../gate-commands.js';

describe('POST /runs/:id/accept', () => {
  let s: RunSpecFixture;
  beforeAll(async () => {
    s = await startRunSpecs('pipeAcceptRelease');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const releaseManager = { id: 'rm-ana', kind: 'user' as const, roles: ['release-manager'] };
  const metrics = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 850, errorRate: 0.001 };
  const accept = (id: string, payload: unknown = { reason: 'Shipped and healthy.' }) =>
    s.request('POST', `/runs/${id}/accept`, releaseManager, payload);
  /** A run of a service of its own (its baseline stream untouched by the other specifications of this file). */
  const freshService = () => `svc-${crypto.randomUUID().slice(0, 8)}`;
  const loadTested = (id: string): PipelineRunEvent => ({
    type: 'LoadTestRecorded',
    data: { runId: id, environment: 'staging', metrics, reason: 'k6' },
  });
  const succeeded = (id: string): PipelineRunEvent => ({
    type: 'PipelineRunSucceeded',
    data: { runId: id, reason: 'The last stage passed.' },
  });
  const accepted = (service: string, id: string) =>
    event(ReleaseAccepted, { service, runId: id, artifact, metrics, reason: 'Shipped and healthy.' });

  it("accepts a succeeded run: ReleaseAccepted on the service's baseline, its load test the new baseline", async () => {
    const { id } = s.fresh();
    const service = freshService();
    await s
      .given(id, startedWith({ service }), loadTested(id), succeeded(id))
      .given(baselineStream(service))
      .when(accept(id))
      .then({
        status: 200,
        body: { service, baseline: metrics, acceptedRun: id, rollbackTarget: artifact, accepted: 1 },
        events: { [baselineStream(service)]: [accepted(service, id)] },
      });
  });

  it('accepting the same run again appends nothing', async () => {
    const { id } = s.fresh();
    const service = freshService();
    await s
      .given(id, startedWith({ service }), loadTested(id), succeeded(id))
      .given(baselineStream(service), accepted(service, id))
      .when(accept(id))
      .then({ status: 200, body: { service, acceptedRun: id, accepted: 1 } });
  });

  it('409 PIPELINE_BASELINE_RUN_NOT_SUCCEEDED for a running run', async () => {
    const { id } = s.fresh();
    const service = freshService();
    await s
      .given(id, startedWith({ service }), loadTested(id))
      .given(baselineStream(service))
      .when(accept(id))
      .then({ status: 409, code: Codes.BASELINE_RUN_NOT_SUCCEEDED });
  });

  it('409 PIPELINE_BASELINE_NO_LOAD_TEST for a succeeded run without a load test', async () => {
    const { id } = s.fresh();
    const service = freshService();
    await s
      .given(id, startedWith({ service }), succeeded(id))
      .given(baselineStream(service))
      .when(accept(id))
      .then({ status: 409, code: Codes.BASELINE_NO_LOAD_TEST });
  });

  it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
    const { id, stream } = s.fresh();
    await s.spec().given(stream).when(accept(id)).then({ status: 404, code: Codes.RUN_NOT_FOUND });
  });

  it('400 for an unknown field', async () => {
    const { id } = s.fresh();
    await s
      .given(id, startedWith({ service: freshService() }), loadTested(id), succeeded(id))
      .when(accept(id, { reason: 'ok', force: true }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 for a developer', async () => {
    const { id } = s.fresh();
    await s
      .given(id, startedWith({ service: freshService() }), loadTested(id), succeeded(id))
      .when(s.request('POST', `/runs/${id}/accept`, dev, {}))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
