import {
  PipelineErrorCodes as Codes,
  ErrorCodes,
  type PipelineRunEvent,
  ShardResultRecorded,
  ShardsRerunRequested,
  StageReported,
  TestShardsPlanned,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { atStaging, ci, claimed, passed, started } from '../../runs/domain/run.examples.js';
import { type RunSpecFixture, startRunSpecs } from '../../test-support/run-spec.js';

describe('the test matrix: POST /runs/:id/stages/:stage/shards, …/shards/:shard/result, …/shards/rerun', () => {
  let s: RunSpecFixture;
  beforeAll(async () => {
    s = await startRunSpecs('pipeShards');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  /** run.examples' run at its test stage (1), claimed by CI. */
  const atTest = [started, claimed(0, 'build'), passed(0, 'build'), claimed(1, 'test')];
  const job = (test: string, durationMs: number) => ({ test, combo: 'chrome/desktop', durationMs });
  /** Three tests on two shards, longest first: checkout alone, cart then search together. */
  const plannedData = (id: string) => ({
    runId: id,
    stage: 1,
    combos: ['chrome/desktop'],
    shards: [
      { shard: 0, jobs: [job('checkout', 300)], predictedMs: 300 },
      { shard: 1, jobs: [job('cart', 200), job('search', 100)], predictedMs: 300 },
    ],
    predictedWallMs: 300,
    roundRobinWallMs: 500,
    reason: '3 jobs on 2 shards, longest first.',
  });
  const planned = (id: string): PipelineRunEvent => ({ type: 'TestShardsPlanned', data: plannedData(id) });
  const shardDone = (id: string, shard: number, outcome: 'passed' | 'failed'): PipelineRunEvent => ({
    type: 'ShardResultRecorded',
    data: {
      runId: id,
      stage: 1,
      shard,
      attempt: 1,
      outcome,
      durationMs: 290,
      failedTests: outcome === 'failed' ? ['cart'] : [],
      reason: `Shard ${shard} ${outcome}.`,
    },
  });

  describe('plan', () => {
    const plan = (id: string, stage: number, payload: unknown = planBody) =>
      s.request('POST', `/runs/${id}/stages/${stage}/shards`, ci, payload);
    const planBody = {
      tests: [
        { name: 'checkout', durationMs: 300 },
        { name: 'search', durationMs: 100 },
        { name: 'cart', durationMs: 200 },
      ],
      matrix: { browsers: ['chrome'], devices: ['desktop'] },
      shardCount: 2,
    };

    it('shards the test stage longest first: TestShardsPlanned (and what round-robin would have taken)', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, ...atTest)
        .when(plan(id, 1))
        .then({
          status: 201,
          body: { id, currentStage: 1 },
          events: { [stream]: [event(TestShardsPlanned, plannedData(id))] },
        });
    });

    it('409 PIPELINE_SHARDS_ALREADY_PLANNED the second time', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id))
        .when(plan(id, 1))
        .then({ status: 409, code: Codes.SHARDS_ALREADY_PLANNED });
    });

    it('409 PIPELINE_STAGE_KIND_MISMATCH for a build stage', async () => {
      const { id } = s.fresh();
      await s.given(id, started).when(plan(id, 0)).then({ status: 409, code: Codes.STAGE_KIND_MISMATCH });
    });

    it('409 PIPELINE_STAGE_NOT_CURRENT for a test stage not reached yet', async () => {
      const { id } = s.fresh();
      await s.given(id, started).when(plan(id, 1)).then({ status: 409, code: Codes.STAGE_NOT_CURRENT });
    });

    it('404 PIPELINE_RUN_NOT_FOUND for a run never started', async () => {
      const { id, stream } = s.fresh();
      await s.spec().given(stream).when(plan(id, 1)).then({ status: 404, code: Codes.RUN_NOT_FOUND });
    });

    it('400 without a shard count', async () => {
      const { id } = s.fresh();
      const { shardCount: _, ...body } = planBody;
      await s
        .given(id, ...atTest)
        .when(plan(id, 1, body))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('result', () => {
    const result = (id: string, shard: number, payload: unknown) =>
      s.request('POST', `/runs/${id}/stages/1/shards/${shard}/result`, ci, payload);

    it('records a shard attempt: ShardResultRecorded', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, ...atTest, planned(id))
        .when(result(id, 1, { outcome: 'failed', durationMs: 290, failedTests: ['cart'] }))
        .then({
          status: 200,
          body: { id, currentStage: 1 },
          events: { [stream]: [event(ShardResultRecorded, shardDone(id, 1, 'failed').data)] },
        });
    });

    it('the last shard passing passes the stage: ShardResultRecorded, StageReported', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, ...atTest, planned(id), shardDone(id, 0, 'passed'))
        .when(result(id, 1, { outcome: 'passed', durationMs: 310, reason: 'green' }))
        .then({
          status: 200,
          body: { id, currentStage: 2 },
          events: {
            [stream]: [
              event(ShardResultRecorded, {
                runId: id,
                stage: 1,
                shard: 1,
                attempt: 1,
                outcome: 'passed',
                durationMs: 310,
                failedTests: [],
                reason: 'green',
              }),
              event(StageReported, {
                runId: id,
                stage: 1,
                kind: 'test',
                outcome: 'passed',
                executor: 'ci-jenkins',
                reason: 'Every shard passed.',
              }),
            ],
          },
        });
    });

    it('409 PIPELINE_SHARD_NOT_RUNNING for a shard already reported', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id), shardDone(id, 0, 'passed'))
        .when(result(id, 0, { outcome: 'passed', durationMs: 300 }))
        .then({ status: 409, code: Codes.SHARD_NOT_RUNNING });
    });

    it('409 PIPELINE_SHARD_UNKNOWN for a shard outside the plan', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id))
        .when(result(id, 7, { outcome: 'passed', durationMs: 300 }))
        .then({ status: 409, code: Codes.SHARD_UNKNOWN });
    });

    it('409 PIPELINE_SHARDS_NOT_PLANNED for a stage not sharded', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest)
        .when(result(id, 0, { outcome: 'passed', durationMs: 300 }))
        .then({ status: 409, code: Codes.SHARDS_NOT_PLANNED });
    });

    it('400 without a duration', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id))
        .when(result(id, 0, { outcome: 'passed' }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('rerun', () => {
    const rerun = (id: string, payload?: unknown) =>
      s.request('POST', `/runs/${id}/stages/1/shards/rerun`, ci, payload);

    it('reruns only the failed shards: ShardsRerunRequested', async () => {
      const { id, stream } = s.fresh();
      await s
        .given(id, ...atTest, planned(id), shardDone(id, 0, 'passed'), shardDone(id, 1, 'failed'))
        .when(rerun(id))
        .then({
          status: 200,
          events: {
            [stream]: [
              event(ShardsRerunRequested, { runId: id, stage: 1, shards: [1], reason: 'Rerun of failed shards 1.' }),
            ],
          },
        });
    });

    it('409 PIPELINE_NO_FAILED_SHARDS when none failed', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id), shardDone(id, 0, 'passed'))
        .when(rerun(id))
        .then({ status: 409, code: Codes.NO_FAILED_SHARDS });
    });

    it('409 PIPELINE_SHARDS_NOT_PLANNED for a stage not sharded', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest)
        .when(rerun(id))
        .then({ status: 409, code: Codes.SHARDS_NOT_PLANNED });
    });

    it('409 PIPELINE_STAGE_NOT_CURRENT once the run has moved past the test stage', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atStaging)
        .when(rerun(id))
        .then({ status: 409, code: Codes.STAGE_NOT_CURRENT });
    });

    it('400 for an unknown field', async () => {
      const { id } = s.fresh();
      await s
        .given(id, ...atTest, planned(id))
        .when(rerun(id, { shards: [1] }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });
});
