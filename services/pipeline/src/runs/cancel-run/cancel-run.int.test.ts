import { PipelineErrorCodes as Codes, ErrorCodes, PipelineRunFailed } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RunSpecFixture, startRunSpecs } from '../../test-support/run-spec.js';
import { atStaging, claimed, dev, started } from '../domain/run.examples.js';

describe('POST /runs/:id/cancel', () => {
  let s: RunSpecFixture;
  beforeAll(async () => {
    s = await startRunSpecs('pipeCancelRun');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const releaseManager = { id: 'rm-ana', kind: 'user' as const, roles: ['release-manager'] };
  const cancel = (id: string, payload: unknown = { reason: 'superseded by 2.3.2' }) =>
    s.request('POST', `/runs/${id}/cancel`, releaseManager, payload);

  it('fails the run at its current stage with the reason: PipelineRunFailed', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, ...atStaging, claimed(2, 'deploy'))
      .when(cancel(id))
      .then({
        status: 200,
        body: { id, status: 'failed' },
        events: { [stream]: [event(PipelineRunFailed, { runId: id, stage: 2, reason: 'superseded by 2.3.2' })] },
      });
  });

  it('409 PIPELINE_RUN_FINISHED for a run already ended', async () => {
    const { id } = s.fresh();
    await s
      .given(id, started, { type: 'PipelineRunFailed', data: { runId: id, stage: 0, reason: 'build broke' } })
      .when(cancel(id))
      .then({ status: 409, code: Codes.RUN_FINISHED });
  });

  it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
    const { id, stream } = s.fresh();
    await s.spec().given(stream).when(cancel(id)).then({ status: 404, code: Codes.RUN_NOT_FOUND });
  });

  it('400 without a reason', async () => {
    const { id } = s.fresh();
    await s.given(id, started).when(cancel(id, {})).then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 for a developer', async () => {
    const { id } = s.fresh();
    await s
      .given(id, started)
      .when(s.request('POST', `/runs/${id}/cancel`, dev, { reason: 'no' }))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
