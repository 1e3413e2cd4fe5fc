import { Readable } from 'node:stream';
import { ArtifactRegistered } from '@railyard/contracts';
import { event, type InjectRequest } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ArtifactSpecFixture, ci, startArtifactSpecs } from '../../test-support/artifact-spec.js';

// An empty upload is refused (422) unless its kind allows empty content; nothing is registered either way it fails.
describe('empty uploads', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('artifactEmpty', { emptyContentKinds: ['library'] });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const put = (url: string, payload: Buffer | Readable, kind: string) => async (): Promise<InjectRequest> => ({
    method: 'PUT',
    url,
    headers: {
      ...(await s.f.auth(ci.id, ci.roles)),
      'content-type': 'application/octet-stream',
      'x-artifact-kind': kind,
    },
    payload,
  });

  it('refuses an empty body with 422 ARTIFACT_CONTENT_EMPTY, with a declared length', async () => {
    const a = s.fresh('1.0.0');
    await s
      .spec()
      .given(a.stream)
      .when(put(`/artifacts/${a.name}/1.0.0`, Buffer.alloc(0), 'service'))
      .then({ status: 422, code: 'ARTIFACT_CONTENT_EMPTY', body: { kind: 'service' } });
  });

  it('refuses it chunked too (no length: the emptiness is only known after reading the stream)', async () => {
    const a = s.fresh('1.0.1');
    await s
      .spec()
      .given(a.stream)
      .when(put(`/artifacts/${a.name}/1.0.1`, Readable.from([]), 'service'))
      .then({ status: 422, code: 'ARTIFACT_CONTENT_EMPTY' });
  });

  it('accepts an empty body for a kind that allows it', async () => {
    const a = s.fresh('1.0.0', 'empty.marker');
    await s
      .spec()
      .when(put('/artifacts/empty.marker/1.0.0', Buffer.alloc(0), 'library'))
      .then({
        status: 201,
        body: { size: 0, kind: 'library' },
        events: {
          [a.stream]: [
            event(ArtifactRegistered, {
              artifactId: a.id,
              name: 'empty.marker',
              kind: 'library',
              version: '1.0.0',
              // sha256 of no bytes at all
              sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
              size: 0,
              storage: 'internal',
              stability: 'release',
              auditClass: 'standard',
            }),
          ],
        },
      });
  });
});
