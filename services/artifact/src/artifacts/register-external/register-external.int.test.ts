import {
  ArtifactOverwriteRefused,
  ArtifactRegistered,
  ArtifactErrorCodes as Codes,
  ErrorCodes,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ArtifactSpecFixture, auditor, ci, startArtifactSpecs } from '../../test-support/artifact-spec.js';

describe('POST /artifacts (external content)', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('registerExternal');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const register = (payload: Record<string, unknown>, who = ci) => s.request('POST', '/artifacts', who, payload);
  const external = (a: { name: string; version: string; sha256: string }, extra: Record<string, unknown> = {}) => ({
    name: a.name,
    version: a.version,
    digest: `sha256:${a.sha256}`,
    uri: `s3://artifacts/${a.name}.tgz`,
    ...extra,
  });

  it('registers it by digest and URI: ArtifactRegistered (external, its build metadata and source), 201', async () => {
    const a = s.fresh('1.4.0+build.7');
    await s
      .spec()
      .given(a.stream)
      .when(
        register(
          external(a, {
            size: 2048,
            sourceCommit: '9f8e7d6c5b4a',
            repository: 'https://git.example/payments',
            pipelineRun: 'run-4711',
          }),
        ),
      )
      .then({
        status: 201,
        body: {
          id: a.id,
          name: a.name,
          version: '1.4.0+build.7',
          digest: `sha256:${a.sha256}`,
          storage: 'external',
          uri: `s3://artifacts/${a.name}.tgz`,
          stability: 'release',
          revision: 0,
        },
        events: {
          [a.stream]: [
            event(ArtifactRegistered, {
              artifactId: a.id,
              name: a.name,
              kind: 'service',
              version: '1.4.0+build.7',
              sha256: a.sha256,
              size: 2048,
              storage: 'external',
              uri: `s3://artifacts/${a.name}.tgz`,
              sourceCommit: '9f8e7d6c5b4a',
              repository: 'https://git.example/payments',
              pipelineRun: 'run-4711',
              buildMetadata: 'build.7',
              stability: 'release',
              auditClass: 'standard',
            }),
          ],
        },
      });
  });

  it('a prerelease of a regulated library without size: a snapshot, regulated, no size', async () => {
    const a = s.fresh('2.0.0-rc.1', `lib.${s.fresh().name}`);
    await s
      .spec()
      .when(register(external(a, { kind: 'library', auditClass: 'regulated' })))
      .then({
        status: 201,
        events: {
          [a.stream]: [
            event(ArtifactRegistered, {
              artifactId: a.id,
              name: a.name,
              kind: 'library',
              version: '2.0.0-rc.1',
              sha256: a.sha256,
              storage: 'external',
              uri: `s3://artifacts/${a.name}.tgz`,
              stability: 'snapshot',
              auditClass: 'regulated',
            }),
          ],
        },
      });
  });

  it('the same digest again is a no-op: 200, nothing appended', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a, { storage: 'external', uri: `s3://artifacts/${a.name}.tgz` }))
      .when(register(external(a)))
      .then({ status: 200, body: { id: a.id, revision: 0 } });
  });

  it('409 ARTIFACT_OVERWRITE_REFUSED for other content under the version, and records ArtifactOverwriteRefused', async () => {
    const a = s.fresh();
    const other = 'c'.repeat(64);
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(register(external({ ...a, sha256: other }, { size: 99 })))
      .then({
        status: 409,
        code: Codes.OVERWRITE_REFUSED,
        body: { existingSha256: a.sha256, attemptedSha256: other },
        events: {
          [a.stream]: [
            event(ArtifactOverwriteRefused, {
              artifactId: a.id,
              name: a.name,
              version: a.version,
              existingSha256: a.sha256,
              attemptedSha256: other,
              attemptedSize: 99,
            }),
          ],
        },
      });
  });

  it('422 ARTIFACT_KIND_UNKNOWN for a kind without a naming convention', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream)
      .when(register(external(a, { kind: 'firmware' })))
      .then({ status: 422, code: Codes.KIND_UNKNOWN });
  });

  it("422 ARTIFACT_NAME_INVALID for a name outside its kind's convention", async () => {
    await s
      .spec()
      .when(register(external({ name: 'Payments_API', version: '1.0.0', sha256: 'a'.repeat(64) })))
      .then({ status: 422, code: Codes.NAME_INVALID });
  });

  it('422 ARTIFACT_VERSION_INVALID for a version that is not canonical SemVer', async () => {
    const a = s.fresh();
    await s
      .spec()
      .when(register(external({ ...a, version: 'v1.0.0' })))
      .then({ status: 422, code: Codes.VERSION_INVALID });
  });

  it('400 RAILYARD_REQUEST_INVALID for a digest that is not sha256', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream)
      .when(register(external(a, { digest: `md5:${'a'.repeat(32)}` })))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a role that may not publish', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream)
      .when(register(external(a), auditor))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
