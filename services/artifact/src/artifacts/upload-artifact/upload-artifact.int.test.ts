import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ArtifactOverwriteRefused, ArtifactRegistered } from '@railyard/contracts';
import { appendedSince, event, type InjectRequest, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactFixture } from '../../test-support/artifact-fixture.js';
import {
  type ArtifactSpecFixture,
  type Caller,
  ci as developer,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

/** Every file under the storage folder (blobs and temporary files), relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('artifact upload and download over HTTP (A1, A2)', () => {
  let s: ArtifactSpecFixture;
  let f: ArtifactFixture;
  let ci: { authorization: string };

  beforeAll(async () => {
    s = await startArtifactSpecs('artifactUpload', { maxUploadBytes: 256 * 1024 });
    f = s.f;
    ci = await f.auth(developer.id, developer.roles);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  /** A PUT of bytes by `who` (none: no credentials), for a specification's `when`. */
  const upload =
    (url: string, payload: Buffer | Readable, headers: Record<string, string> = {}, who: Caller | null = developer) =>
    async (): Promise<InjectRequest> => ({
      method: 'PUT',
      url,
      headers: {
        ...(who ? await f.auth(who.id, who.roles) : {}),
        'content-type': 'application/octet-stream',
        ...headers,
      },
      payload,
    });
  /**
   * The artifact events in the store, read through its API up to a fresh marker (a check around requests a
   * specification cannot send).
   */
  const events = async () =>
    (await appendedSince(f.store, 0n, { categories: ['artifact'] })).map((e) => `${e.type} ${e.streamId}`);

  it('stores a real file under its sha256, binds name@version to it (ArtifactRegistered), and serves it back by both', async () => {
    const file = path.join(f.storageDir, '..', `upload-${Date.now()}.tgz`);
    const bytes = randomBytes(150 * 1024);
    await writeFile(file, bytes);
    const digest = sha256(bytes);
    const a = s.fresh('1.4.0+build.7', 'payments-api');
    await s
      .spec()
      .given(a.stream)
      .when(
        upload('/artifacts/payments-api/1.4.0+build.7', await readFile(file), {
          'x-source-commit': 'abc1234def',
          'x-source-repository': 'https://git.example/payments',
          'x-pipeline-run': 'run-881',
          'x-content-sha256': digest,
        }),
      )
      .then({
        status: 201,
        body: {
          id: a.id,
          name: 'payments-api',
          version: '1.4.0+build.7',
          buildMetadata: 'build.7',
          sha256: digest,
          size: bytes.length,
          stability: 'release',
          sourceCommit: 'abc1234def',
        },
        events: {
          [a.stream]: [
            event(ArtifactRegistered, {
              artifactId: a.id,
              name: 'payments-api',
              kind: 'service',
              version: '1.4.0+build.7',
              sha256: digest,
              size: bytes.length,
              storage: 'internal',
              sourceCommit: 'abc1234def',
              repository: 'https://git.example/payments',
              pipelineRun: 'run-881',
              buildMetadata: 'build.7',
              stability: 'release',
              auditClass: 'standard',
            }),
          ],
        },
      });
    const onDisk = path.join(f.storageDir, 'sha256', digest.slice(0, 2), digest.slice(2, 4), digest);
    expect(sha256(await readFile(onDisk))).toBe(digest);

    const byVersion = await f.app.inject({ method: 'GET', url: '/artifacts/payments-api/1.4.0/content', headers: ci });
    expect(byVersion.statusCode).toBe(200);
    expect(byVersion.headers['x-content-sha256']).toBe(digest);
    expect(sha256(byVersion.rawPayload)).toBe(digest);
    const byDigest = await f.app.inject({ method: 'GET', url: `/blobs/sha256/${digest}`, headers: ci });
    expect(sha256(byDigest.rawPayload)).toBe(digest);
  });

  it('is idempotent for the same bytes and refuses (and records) other bytes, leaving the content untouched', async () => {
    const bytes = Buffer.from('release candidate bytes');
    const a = s.fresh('2.0.0', 'ledger');
    const registered = event(ArtifactRegistered, {
      artifactId: a.id,
      name: 'ledger',
      kind: 'service',
      version: '2.0.0',
      sha256: sha256(bytes),
      size: bytes.length,
      storage: 'internal',
      stability: 'release',
      auditClass: 'standard',
    });
    await s
      .spec()
      .when(upload('/artifacts/ledger/2.0.0', bytes))
      .then({ status: 201, events: { [a.stream]: [registered] } });
    await s
      .spec()
      .given(a.stream)
      .when(upload('/artifacts/ledger/2.0.0', Readable.from([bytes])))
      .then({ status: 200, body: { revision: 0 } });
    const tampered = Buffer.from('tampered bytes');
    await s
      .spec()
      .given(a.stream)
      .when(upload('/artifacts/ledger/2.0.0+rebuild', tampered))
      .then({
        status: 409,
        code: 'ARTIFACT_OVERWRITE_REFUSED',
        body: { existingSha256: sha256(bytes), attemptedSha256: sha256(tampered) },
        events: {
          [a.stream]: [
            event(ArtifactOverwriteRefused, {
              artifactId: a.id,
              name: 'ledger',
              version: '2.0.0+rebuild',
              existingSha256: sha256(bytes),
              attemptedSha256: sha256(tampered),
              attemptedSize: tampered.length,
            }),
          ],
        },
      });
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
    const cases: [string, () => Promise<InjectRequest>, number, string][] = [
      ['a name against the convention', upload('/artifacts/Payments_API/1.0.0', body), 422, 'ARTIFACT_NAME_INVALID'],
      [
        'a name that is not a path segment',
        upload('/artifacts/bad%20name/1.0.0', body),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'an unknown kind',
        upload('/artifacts/ok/1.0.0', body, { 'x-artifact-kind': 'firmware' }),
        422,
        'ARTIFACT_KIND_UNKNOWN',
      ],
      ['a version that is not SemVer', upload('/artifacts/ok/1.0', body), 422, 'ARTIFACT_VERSION_INVALID'],
      ['a v-prefixed version', upload('/artifacts/ok/v1.0.0', body), 422, 'ARTIFACT_VERSION_INVALID'],
      [
        'a malformed digest header',
        upload('/artifacts/ok/1.0.0', body, { 'x-content-sha256': 'abc' }),
        400,
        'ARTIFACT_DIGEST_INVALID',
      ],
      [
        'a Digest that is not base64 of 32 bytes',
        upload('/artifacts/ok/1.0.0', body, { digest: 'sha-256=nope' }),
        400,
        'ARTIFACT_DIGEST_INVALID',
      ],
      [
        'a declared digest the bytes do not match',
        upload('/artifacts/ok/1.0.0', body, { 'x-content-sha256': 'd'.repeat(64) }),
        422,
        'ARTIFACT_DIGEST_MISMATCH',
      ],
      [
        'an oversized body announced by Content-Length',
        upload('/artifacts/ok/1.0.0', randomBytes(300 * 1024)),
        413,
        'ARTIFACT_UPLOAD_TOO_LARGE',
      ],
      [
        'an oversized body streamed without a length',
        upload('/artifacts/ok/1.0.1', Readable.from([randomBytes(200 * 1024), randomBytes(200 * 1024)])),
        413,
        'ARTIFACT_UPLOAD_TOO_LARGE',
      ],
      [
        'a JSON body',
        upload('/artifacts/ok/1.0.0', Buffer.from('{}'), { 'content-type': 'application/json' }),
        415,
        'RAILYARD_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a bad commit id',
        upload('/artifacts/ok/1.0.0', body, { 'x-source-commit': 'HEAD' }),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      ['no credentials', upload('/artifacts/ok/1.0.0', body, {}, null), 401, 'RAILYARD_AUTH_MISSING'],
    ];
    it.each(cases)('%s', async (_label, request, status, code) => {
      const files = await filesUnder(f.storageDir);
      await s.spec().when(request).then({ status, code });
      expect(await filesUnder(f.storageDir)).toEqual(files);
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
      await waitFor('the partial upload file', async () => (await f.runtime.content.pending()).length > 0, {
        timeoutMs: 10_000,
      });
      // The partial file existed: the assertions below are about its removal, not about nothing having happened.
      expect((await f.runtime.content.pending()).length).toBe(1);
      socket.destroy();
      await waitFor('the partial upload file removed', async () => (await f.runtime.content.pending()).length === 0, {
        timeoutMs: 10_000,
      });
      expect(await f.runtime.content.pending()).toEqual([]);
      expect(await filesUnder(f.storageDir)).toEqual(before.files);
      expect(await events()).toEqual(before.events);
    });
  });
});
