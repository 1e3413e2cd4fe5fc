import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from '../../test-support/artifact-fixture.js';

/** Every file under the storage folder (blobs and temporary files), relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('artifact upload and download over HTTP (A1, A2)', () => {
  let f: ArtifactFixture;
  let ci: { authorization: string };

  beforeAll(async () => {
    f = await startArtifact('artifactUpload', { maxUploadBytes: 256 * 1024 });
    ci = await f.auth('ci-bot', ['developer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const events = async () =>
    (
      await f.store.pool.query<{ type: string }>(
        `SELECT type FROM eventstore.events WHERE category = 'artifact' ORDER BY global_position`,
      )
    ).rows.map((r) => r.type);

  const put = (url: string, payload: Buffer | Readable, headers: Record<string, string> = {}) =>
    f.app.inject({
      method: 'PUT',
      url,
      headers: { ...ci, 'content-type': 'application/octet-stream', ...headers },
      payload,
    });

  it('stores a real file under its sha256, binds name@version to it, and serves it back by both', async () => {
    const file = path.join(f.storageDir, '..', `upload-${Date.now()}.tgz`);
    const bytes = randomBytes(150 * 1024);
    await writeFile(file, bytes);
    const digest = sha256(bytes);
    const res = await put('/artifacts/payments-api/1.4.0+build.7', await readFile(file), {
      'x-source-commit': 'abc1234def',
      'x-source-repository': 'https://git.example/payments',
      'x-pipeline-run': 'run-881',
      'x-content-sha256': digest,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'payments-api',
      version: '1.4.0+build.7',
      buildMetadata: 'build.7',
      sha256: digest,
      size: bytes.length,
      stability: 'release',
      sourceCommit: 'abc1234def',
    });
    const onDisk = path.join(f.storageDir, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest);
    expect(sha256(await readFile(onDisk))).toBe(digest);

    const byVersion = await f.app.inject({ method: 'GET', url: '/artifacts/payments-api/1.4.0/content', headers: ci });
    expect(byVersion.statusCode).toBe(200);
    expect(byVersion.headers['x-content-sha256']).toBe(digest);
    expect(sha256(byVersion.rawPayload)).toBe(digest);
    const byDigest = await f.app.inject({ method: 'GET', url: `/blobs/sha256/${digest}`, headers: ci });
    expect(sha256(byDigest.rawPayload)).toBe(digest);

    const stream = await f.store.readStream(`artifact-${res.json().id}`);
    expect(stream.map((e) => [e.type, e.metadata.actor.id])).toEqual([['ArtifactRegistered', 'ci-bot']]);
  });

  it('is idempotent for the same bytes and refuses (and records) other bytes, leaving the content untouched', async () => {
    const bytes = Buffer.from('release candidate bytes');
    const first = await put('/artifacts/ledger/2.0.0', bytes);
    expect(first.statusCode).toBe(201);
    const again = await put('/artifacts/ledger/2.0.0', Readable.from([bytes]));
    expect(again.statusCode).toBe(200);
    expect(again.json().revision).toBe(0);

    const other = await put('/artifacts/ledger/2.0.0+rebuild', Buffer.from('tampered bytes'));
    expect(other.statusCode).toBe(409);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.json()).toMatchObject({ code: 'ARTIFACT_OVERWRITE_REFUSED', existingSha256: sha256(bytes) });
    const stream = await f.store.readStream(`artifact-${first.json().id}`);
    expect(stream.map((e) => e.type)).toEqual(['ArtifactRegistered', 'ArtifactOverwriteRefused']);
    expect(stream[1]!.data).toMatchObject({ attemptedSha256: sha256(Buffer.from('tampered bytes')) });
    const download = await f.app.inject({ method: 'GET', url: '/artifacts/ledger/2.0.0/content', headers: ci });
    expect(download.rawPayload.toString()).toBe('release candidate bytes');
  });

  it('registers content stored elsewhere by digest and URI, and redirects its download', async () => {
    const digest = 'c'.repeat(64);
    const res = await f.app.inject({
      method: 'POST',
      url: '/artifacts',
      headers: ci,
      payload: {
        name: 'edge-proxy',
        kind: 'container',
        version: '3.1.0',
        digest: `sha256:${digest}`,
        uri: 'oci://registry.example/edge-proxy@sha256:cccc',
        sourceCommit: 'fedcba9',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ storage: 'external', sha256: digest, kind: 'container' });
    const download = await f.app.inject({ method: 'GET', url: '/artifacts/edge-proxy/3.1.0/content', headers: ci });
    expect(download.statusCode).toBe(303);
    expect(download.headers.location).toBe('oci://registry.example/edge-proxy@sha256:cccc');
  });

  describe('bad input gets 4xx problem+json, appends nothing and leaves no file behind', () => {
    const body = Buffer.from('some artifact');
    const cases: [string, () => ReturnType<typeof put>, number, string][] = [
      ['a name against the convention', () => put('/artifacts/Payments_API/1.0.0', body), 422, 'ARTIFACT_NAME_INVALID'],
      [
        'a name that is not a path segment',
        () => put('/artifacts/bad%20name/1.0.0', body),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'an unknown kind',
        () => put('/artifacts/ok/1.0.0', body, { 'x-artifact-kind': 'firmware' }),
        422,
        'ARTIFACT_KIND_UNKNOWN',
      ],
      ['a version that is not SemVer', () => put('/artifacts/ok/1.0', body), 422, 'ARTIFACT_VERSION_INVALID'],
      ['a v-prefixed version', () => put('/artifacts/ok/v1.0.0', body), 422, 'ARTIFACT_VERSION_INVALID'],
      [
        'a malformed digest header',
        () => put('/artifacts/ok/1.0.0', body, { 'x-content-sha256': 'abc' }),
        400,
        'ARTIFACT_DIGEST_INVALID',
      ],
      [
        'a Digest that is not base64 of 32 bytes',
        () => put('/artifacts/ok/1.0.0', body, { digest: 'sha-256=nope' }),
        400,
        'ARTIFACT_DIGEST_INVALID',
      ],
      [
        'a declared digest the bytes do not match',
        () => put('/artifacts/ok/1.0.0', body, { 'x-content-sha256': 'd'.repeat(64) }),
        422,
        'ARTIFACT_DIGEST_MISMATCH',
      ],
      [
        'an oversized body announced by Content-Length',
        () => put('/artifacts/ok/1.0.0', randomBytes(300 * 1024)),
        413,
        'ARTIFACT_UPLOAD_TOO_LARGE',
      ],
      [
        'an oversized body streamed without a length',
        () => put('/artifacts/ok/1.0.1', Readable.from([randomBytes(200 * 1024), randomBytes(200 * 1024)])),
        413,
        'ARTIFACT_UPLOAD_TOO_LARGE',
      ],
      [
        'a JSON body',
        () => put('/artifacts/ok/1.0.0', Buffer.from('{}'), { 'content-type': 'application/json' }),
        415,
        'RAILYARD_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a bad commit id',
        () => put('/artifacts/ok/1.0.0', body, { 'x-source-commit': 'HEAD' }),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'no credentials',
        () =>
          f.app.inject({
            method: 'PUT',
            url: '/artifacts/ok/1.0.0',
            headers: { 'content-type': 'application/octet-stream' },
            payload: body,
          }),
        401,
        'RAILYARD_AUTH_MISSING',
      ],
    ];
    it.each(cases)('%s', async (_label, send, status, code) => {
      const before = { events: await events(), files: await filesUnder(f.storageDir) };
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe(code);
      expect(await events()).toEqual(before.events);
      expect(await filesUnder(f.storageDir)).toEqual(before.files);
    });

    it('a truncated upload (the client hangs up mid-body) leaves no partial file', async () => {
      const before = { events: await events(), files: await filesUnder(f.storageDir) };
      await f.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = f.app.server.address() as net.AddressInfo;
      const socket = net.connect({ host: '127.0.0.1', port });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        'PUT /artifacts/truncated/1.0.0 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n' +
          `Content-Length: 100000\r\nAuthorization: ${ci.authorization}\r\n\r\n`,
      );
      socket.write(randomBytes(40_000));
      // Wait until the server has started writing the body to a temporary file, then hang up.
      const deadline = Date.now() + 10_000;
      while ((await f.runtime.content.pending()).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setImmediate(r));
      }
      // The partial file existed: the assertions below are about its removal, not about nothing having happened.
      expect((await f.runtime.content.pending()).length).toBe(1);
      socket.destroy();
      while ((await f.runtime.content.pending()).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setImmediate(r));
      }
      expect(await f.runtime.content.pending()).toEqual([]);
      expect(await filesUnder(f.storageDir)).toEqual(before.files);
      expect(await events()).toEqual(before.events);
    });
  });
});
