import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from '../../test-support/artifact-fixture.js';

// An empty upload is refused (422) unless its kind allows empty content; nothing is registered either way it fails.
describe('empty uploads', () => {
  let f: ArtifactFixture;
  let ci: { authorization: string };

  beforeAll(async () => {
    f = await startArtifact('artifactEmpty', { emptyContentKinds: ['library'] });
    ci = await f.auth('ci-bot', ['developer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const put = (url: string, payload: Buffer | Readable, kind: string) =>
    f.app.inject({
      method: 'PUT',
      url,
      headers: { ...ci, 'content-type': 'application/octet-stream', 'x-artifact-kind': kind },
      payload,
    });
  const registered = async () => (await f.store.readAll({ filter: { categories: ['artifact'] } })).length;

  it('refuses an empty body with 422 ARTIFACT_CONTENT_EMPTY, declared length or chunked, and registers nothing', async () => {
    const declared = await put('/artifacts/badcase/1.0.0', Buffer.alloc(0), 'service');
    expect(declared.statusCode).toBe(422);
    expect(declared.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(declared.json()).toMatchObject({ code: 'ARTIFACT_CONTENT_EMPTY', kind: 'service' });
    // No content-length: the emptiness is only known after reading the stream.
    const chunked = await put('/artifacts/badcase/1.0.1', Readable.from([]), 'service');
    expect(chunked.statusCode).toBe(422);
    expect(chunked.json().code).toBe('ARTIFACT_CONTENT_EMPTY');
    const got = await f.app.inject({ method: 'GET', url: '/artifacts/badcase/1.0.0', headers: ci });
    expect(got.statusCode).toBe(404);
    expect(await registered()).toBe(0);
  });

  it('accepts an empty body for a kind that allows it', async () => {
    const res = await put('/artifacts/empty.marker/1.0.0', Buffer.alloc(0), 'library');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ size: 0, kind: 'library' });
  });
});
