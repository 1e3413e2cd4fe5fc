import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';
import { definitionIdOf, definitionStream } from '../definition-commands.js';

describe('versioned pipeline definitions', () => {
  let f: PipelineFixture;
  beforeAll(async () => {
    f = await startPipeline('pipeDefs');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records a version per change, nothing for a repeat, and serves any version', async () => {
    const rm = await f.auth('rm-ana', ['release-manager']);
    const url = '/services/search-api/pipeline-definition';
    const stages = [
      { kind: 'build', name: 'build' },
      { kind: 'deploy', name: 'staging', environment: 'staging' },
    ];
    const put = (payload: Record<string, unknown>) => f.app.inject({ method: 'PUT', url, headers: rm, payload });
    const v1 = await put({ tier: 'standard', stages, reason: 'First pipeline' });
    expect([v1.statusCode, v1.json().version, v1.headers.etag]).toEqual([200, 1, '"0"']);
    expect((await put({ tier: 'standard', stages, reason: 'First pipeline' })).json().version).toBe(1);
    const v2 = await put({ tier: 'standard', stages: [...stages, { kind: 'verify', name: 'smoke' }] });
    expect(v2.json()).toMatchObject({ version: 2, versions: [1, 2] });

    const stored = await f.store.readStream(definitionStream('search-api'));
    const common = { definitionId: definitionIdOf('search-api'), service: 'search-api', tier: 'standard' };
    expect(stored.map((e) => ({ type: e.type, data: e.data }))).toEqual([
      {
        type: 'PipelineDefinitionVersioned',
        data: { ...common, version: 1, securityPolicy: 'default', stages, reason: 'First pipeline' },
      },
      {
        type: 'PipelineDefinitionVersioned',
        data: {
          ...common,
          version: 2,
          securityPolicy: 'default',
          stages: [...stages, { kind: 'verify', name: 'smoke' }],
          reason: 'Definition of search-api by rm-ana.',
        },
      },
    ]);

    const first = await f.app.inject({ method: 'GET', url: `${url}?version=1`, headers: rm });
    expect(first.json()).toMatchObject({ version: 1, stages });
    const missing = await f.app.inject({ method: 'GET', url: `${url}?version=9`, headers: rm });
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'PIPELINE_DEFINITION_NOT_FOUND']);
  });
});
