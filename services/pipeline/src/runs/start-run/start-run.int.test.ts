import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';

describe('starting a run', () => {
  let f: PipelineFixture;
  beforeAll(async () => {
    f = await startPipeline('pipeStart');
    const rm = await f.auth('rm-ana', ['release-manager']);
    const stages = [
      { kind: 'build', name: 'build' },
      { kind: 'deploy', name: 'staging', environment: 'staging' },
      { kind: 'deploy', name: 'prod', environment: 'prod' },
    ];
    await f.app.inject({
      method: 'PUT',
      url: '/services/notifier/pipeline-definition',
      headers: rm,
      payload: { tier: 'low', stages },
    });
    await f.publishArtifact({ name: 'notifier', version: '3.1.0', sha256: 'e'.repeat(64) });
    await f.until('notifier in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/notifier/3.1.0/gates', headers: rm });
      return res.statusCode === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('pins the definition, the digest from the read model and the tier strategies; a retried key replays', async () => {
    const dev = { ...(await f.auth('dev-ana', ['developer'])), 'idempotency-key': 'ci-build-881' };
    const payload = {
      service: 'notifier',
      artifact: { name: 'notifier', version: '3.1.0' },
      changeAuthor: 'dev-bo',
      reason: 'Nightly',
    };
    const first = await f.app.inject({ method: 'POST', url: '/runs', headers: dev, payload });
    expect(first.statusCode).toBe(201);
    expect(first.headers.location).toBe(`/runs/${first.json().id}`);
    expect(first.json()).toMatchObject({
      service: 'notifier',
      status: 'running',
      currentStage: 0,
      artifact: { name: 'notifier', version: '3.1.0', sha256: 'e'.repeat(64) },
      strategies: [
        { environment: 'staging', strategy: { type: 'rolling', batchPercent: 50 } },
        { environment: 'prod', strategy: { type: 'rolling', batchPercent: 50 } },
      ],
    });
    const again = await f.app.inject({ method: 'POST', url: '/runs', headers: dev, payload });
    expect(again.json().id).toBe(first.json().id);
    const stream = await f.store.readStream(`pipelineRun-${first.json().id}`);
    expect(stream.map((e) => e.type)).toEqual(['PipelineRunStarted']);
    expect(stream[0]!.data).toMatchObject({
      definitionVersion: 1,
      triggeredBy: 'dev-ana',
      changeAuthor: 'dev-bo',
      reason: 'Nightly',
    });
    expect(stream[0]!.metadata.actor).toMatchObject({ id: 'dev-ana', kind: 'user' });
  });
});
