import { httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';

// Versions resolve as the artifact service resolves them (SemVer: build metadata is not identity), so the three
// spellings of one artifact start runs of the same artifact, pinned to the version and digest it was registered with.
describe('POST /runs with build metadata', () => {
  let f: PipelineFixture;
  let rm: { authorization: string };
  let dev: { authorization: string };
  const sha256 = 'd'.repeat(64);

  beforeAll(async () => {
    f = await startPipeline('pipeBuildMeta');
    rm = await f.auth('rm-ana', ['release-manager']);
    dev = await f.auth('dev-ana', ['developer']);
    const def = await f.app.inject({
      method: 'PUT',
      url: '/services/checkout/pipeline-definition',
      headers: rm,
      payload: {
        tier: 'low',
        stages: [
          { kind: 'build', name: 'build' },
          { kind: 'deploy', name: 'staging', environment: 'staging' },
        ],
      },
    });
    expect(def.statusCode, def.body).toBe(200);
    await f.publishArtifact({ name: 'checkout', version: '2.3.1+build.88', sha256 });
    await f.until('checkout@2.3.1+build.88 in the gate read model', async () => {
      const { rows } = await f.pool.query(`SELECT 1 FROM pipeline.artifact_gates WHERE name = 'checkout'`);
      return rows.length > 0 ? true : undefined;
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  const start = (version: string) =>
    f.app.inject({
      method: 'POST',
      url: '/runs',
      headers: dev,
      payload: { service: 'checkout', artifact: { name: 'checkout', version }, changeAuthor: 'dev-bo' },
    });

  it('starts a run of the same artifact for 2.3.1, 2.3.1+build.88 and 2.3.1+build.89', async () => {
    for (const version of ['2.3.1', '2.3.1+build.88', '2.3.1+build.89']) {
      const res = await start(version);
      expect(res.statusCode, `${version}: ${res.body}`).toBe(201);
      expect(res.json().artifact).toEqual({ name: 'checkout', version: '2.3.1+build.88', sha256 });
    }
  });

  it('answers the gates of any spelling of the version', async () => {
    for (const version of ['2.3.1', '2.3.1+build.89']) {
      const res = await f.app.inject({ method: 'GET', url: `/artifacts/checkout/${version}/gates`, headers: dev });
      expect(res.statusCode, version).toBe(200);
      expect(res.json()).toMatchObject({ version: '2.3.1+build.88', sha256 });
    }
  });

  it('still refuses another version (409 PIPELINE_ARTIFACT_UNKNOWN) and appends nothing', async () => {
    for (const version of ['2.3.10', '2.3.1-rc.1', '2.3']) {
      // No `events`: the specification fails if the refused start appended anything, in any stream.
      await httpSpecification(f)
        .when({
          method: 'POST',
          url: '/runs',
          headers: dev,
          payload: { service: 'checkout', artifact: { name: 'checkout', version }, changeAuthor: 'dev-bo' },
        })
        .then({ status: 409, code: 'PIPELINE_ARTIFACT_UNKNOWN' });
    }
  });
});
