import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { appendedSince } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactStream } from './artifacts/domain/artifact-identity.js';
import { type ArtifactFixture, startArtifact } from './test-support/artifact-fixture.js';

const run = promisify(execFile);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
type Headers = { authorization: string };

// "Done means" of the artifact issue, over HTTP as a CI system would drive it: upload, overwrite refused and
// recorded, scans, gates, signing verified by openssl, bundles, retention with a legal hold.
describe('an artifact through its life over HTTP', () => {
  let f: ArtifactFixture;
  let ci: Headers;
  let rm_: Headers;
  let deployer: Headers;
  let admin: Headers;
  let auditor: Headers;
  let work: string;

  beforeAll(async () => {
    f = await startArtifact('artifactLifecycle');
    ci = await f.auth('ci-bot', ['developer']);
    rm_ = await f.auth('rm-ana', ['release-manager']);
    deployer = await f.auth('dep-joe', ['deployer']);
    admin = await f.auth('admin-kim', ['admin']);
    auditor = await f.auth('aud-lee', ['auditor']);
    work = await mkdtemp(path.join(tmpdir(), 'railyard-artifact-e2e-'));
  });
  afterAll(async () => {
    await f?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const upload = async (name: string, version: string, bytes: Buffer, headers: Record<string, string> = {}) =>
    f.app.inject({
      method: 'PUT',
      url: `/artifacts/${name}/${version}`,
      headers: { ...ci, 'content-type': 'application/octet-stream', ...headers },
      payload: bytes,
    });
  const post = (url: string, headers: Headers, payload?: object) =>
    f.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  const typesOf = async (id: string) => (await f.store.readStream(artifactStream(id))).map((e) => e.type);
  const promote = (stage: string) => post('/artifacts/payments-api/2.3.1/promotions', deployer, { stage });

  let api: { id: string; sha256: string };
  let apiBytes: Buffer;

  it('uploads a real file, answers its sha256 and stores it on disk under that digest', async () => {
    const file = path.join(work, 'payments-api-2.3.1.tgz');
    await writeFile(file, randomBytes(64 * 1024));
    apiBytes = await readFile(file);
    const res = await upload('payments-api', '2.3.1', apiBytes, {
      'x-source-commit': '9f8e7d6c5b4a',
      'x-source-repository': 'https://git.example/payments',
      'x-pipeline-run': 'run-4711',
      digest: `sha-256=${createHash('sha256').update(apiBytes).digest('base64')}`,
    });
    expect(res.statusCode).toBe(201);
    api = res.json();
    expect(api.sha256).toBe(sha256(apiBytes));
    const blob = path.join(f.storageDir, 'sha256', api.sha256.slice(0, 2), api.sha256.slice(2, 4), api.sha256);
    expect(sha256(await readFile(blob))).toBe(api.sha256);
  });

  it('refuses a second upload of the same name@version with other bytes, and records it', async () => {
    const res = await upload('payments-api', '2.3.1', Buffer.from('other bytes'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ARTIFACT_OVERWRITE_REFUSED');
    expect(await typesOf(api.id)).toEqual(['ArtifactRegistered', 'ArtifactOverwriteRefused']);
    const blob = path.join(f.storageDir, 'sha256', api.sha256.slice(0, 2), api.sha256.slice(2, 4), api.sha256);
    expect(sha256(await readFile(blob))).toBe(api.sha256);
  });

  it('refuses prod while gates fail, naming each failing rule; then while unsigned; allows it once signed', async () => {
    const bare = await promote('prod');
    expect(bare.statusCode).toBe(409);
    expect(bare.json().code).toBe('ARTIFACT_GATE_FAILED');
    expect(bare.json().failures.map((x: { rule: string }) => x.rule)).toEqual([
      'static-analysis.present',
      'vulnerabilities.present',
      'licenses.present',
      'signature.present',
    ]);

    const dirty = await post('/artifacts/payments-api/2.3.1/scans', ci, {
      kind: 'static-analysis',
      tool: 'semgrep',
      findings: { critical: 1, high: 0, medium: 4, low: 9 },
    });
    expect(dirty.statusCode).toBe(201);
    const sbom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: 'payments-api' } },
      components: [
        { type: 'library', name: 'fastify', version: '5.0.0', licenses: [{ license: { id: 'MIT' } }] },
        { type: 'library', name: 'pg', licenses: [{ expression: 'MIT OR GPL-3.0-only' }] },
        { type: 'library', name: 'kysely', licenses: [{ license: { id: 'Apache-2.0' } }] },
      ],
    };
    expect(
      (await post('/artifacts/payments-api/2.3.1/scans', ci, { kind: 'licenses', tool: 'syft', sbom })).statusCode,
    ).toBe(201);
    expect(
      (
        await post('/artifacts/payments-api/2.3.1/scans', ci, {
          kind: 'vulnerabilities',
          tool: 'grype',
          counts: { critical: 0, high: 0, medium: 2, low: 5 },
        })
      ).statusCode,
    ).toBe(201);
    const failing = await promote('prod');
    expect(failing.statusCode).toBe(409);
    expect(failing.json().failures.map((x: { rule: string }) => x.rule)).toEqual([
      'static-analysis.critical',
      'signature.present',
    ]);

    await post('/artifacts/payments-api/2.3.1/scans', ci, {
      kind: 'static-analysis',
      tool: 'semgrep',
      findings: { critical: 0, high: 0, medium: 4, low: 9 },
    });
    const unsigned = await promote('prod');
    expect(unsigned.statusCode).toBe(409);
    expect(unsigned.json().failures).toEqual([{ rule: 'signature.present', detail: 'The artifact is not signed.' }]);
    const before = await typesOf(api.id);

    expect((await post('/signing-keys', admin)).statusCode).toBe(201);
    const signed = await post('/artifacts/payments-api/2.3.1/signatures', rm_);
    expect(signed.statusCode).toBe(201);
    expect(await typesOf(api.id)).toEqual([...before, 'ArtifactSigned']);

    const promoted = await promote('prod');
    expect(promoted.statusCode).toBe(201);
    expect(promoted.json().promotions).toEqual(['prod']);
    const events = await f.store.readStream(artifactStream(api.id));
    expect(events.at(-1)).toMatchObject({
      type: 'ArtifactPromoted',
      data: { stage: 'prod' },
      metadata: { actor: { id: 'dep-joe' } },
    });
    expect((await promote('prod')).statusCode).toBe(200);
  });

  it('a signature verifies with openssl from the exported public key, and survives a key rotation', async () => {
    const artifact = (await f.app.inject({ method: 'GET', url: '/artifacts/payments-api/2.3.1', headers: ci })).json();
    const [signature] = artifact.signatures;
    const pem = await f.app.inject({ method: 'GET', url: `/signing-keys/${signature.keyId}.pem`, headers: ci });
    expect(pem.statusCode).toBe(200);
    expect(pem.body).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    await writeFile(path.join(work, 'key.pem'), pem.body);
    await writeFile(path.join(work, 'digest.bin'), Buffer.from(api.sha256, 'hex'));
    await writeFile(path.join(work, 'sig.bin'), Buffer.from(signature.signature, 'base64'));
    const verify = (input: string) =>
      run(
        'openssl',
        ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pem', '-rawin', '-in', input, '-sigfile', 'sig.bin'],
        {
          cwd: work,
        },
      );
    const ok = await verify('digest.bin');
    expect(ok.stdout).toMatch(/Signature Verified Successfully/);
    await writeFile(path.join(work, 'other.bin'), Buffer.from('e'.repeat(64), 'hex'));
    await expect(verify('other.bin')).rejects.toThrow();

    const rotated = await post('/signing-keys', admin);
    expect(rotated.json().keyId).not.toBe(signature.keyId);
    const keys = (await f.app.inject({ method: 'GET', url: '/signing-keys', headers: ci })).json().items;
    expect(keys.map((k: { status: string }) => k.status).sort()).toEqual(['active', 'retired']);
    const checked = await post('/signatures/verify', ci, {
      sha256: api.sha256,
      keyId: signature.keyId,
      signature: signature.signature,
    });
    expect(checked.json()).toEqual({ valid: true, keyId: signature.keyId, keyStatus: 'retired' });
    const forged = await post('/signatures/verify', ci, {
      sha256: 'e'.repeat(64),
      keyId: signature.keyId,
      signature: signature.signature,
    });
    expect(forged.json().valid).toBe(false);
    expect(await f.store.readStream(`signingKey-${signature.keyId}`)).toMatchObject([
      { type: 'SigningKeyCreated' },
      { type: 'SigningKeyRetired', data: { replacedBy: rotated.json().keyId } },
    ]);
  });

  it('traces commit → artifact → promotions, and lists and searches the catalog', async () => {
    const trace = (
      await f.app.inject({ method: 'GET', url: '/artifacts/payments-api/2.3.1/trace', headers: ci })
    ).json();
    expect(trace).toMatchObject({
      source: { commit: '9f8e7d6c5b4a', repository: 'https://git.example/payments', pipelineRun: 'run-4711' },
      artifact: { name: 'payments-api', version: '2.3.1', sha256: api.sha256, registeredBy: 'ci-bot' },
      promotions: [{ stage: 'prod', by: 'dep-joe' }],
      overwriteAttempts: [{ by: 'ci-bot' }],
    });
    await f.caughtUp();
    const found = (await f.app.inject({ method: 'GET', url: '/artifacts?q=PAYMENTS&stage=prod', headers: ci })).json();
    expect(found.items).toMatchObject([{ name: 'payments-api', version: '2.3.1', signed: true, stages: ['prod'] }]);
    const prod = (await f.app.inject({ method: 'GET', url: '/stages/prod/promotions', headers: ci })).json();
    expect(prod.items).toMatchObject([{ name: 'payments-api', version: '2.3.1', promotedBy: 'dep-joe', latest: true }]);
  });

  it('refuses a bundle with an unsatisfiable constraint and creates (immutably) one that holds', async () => {
    expect((await upload('checkout-web', '5.0.0', randomBytes(1024))).statusCode).toBe(201);
    const bundle = (range: string) => ({
      name: 'checkout',
      version: '2026.11.0',
      artifacts: [
        { name: 'payments-api', version: '2.3.1', repository: 'https://git.example/payments' },
        { name: 'checkout-web', version: '5.0.0' },
      ],
      constraints: [{ from: 'checkout-web', to: 'payments-api', range }],
    });
    const refused = await post('/bundles', rm_, bundle('^3.0.0'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'ARTIFACT_BUNDLE_CONSTRAINT_UNSATISFIED',
      violations: [{ problem: 'payments-api@2.3.1 does not satisfy ^3.0.0' }],
    });
    const bundles = async () => (await appendedSince(f.store, 0n, { categories: ['bundle'] })).length;
    expect(await bundles()).toBe(0);
    const created = await post('/bundles', rm_, bundle('^2.1.0'));
    expect(created.statusCode).toBe(201);
    expect(created.json().artifacts[0]).toMatchObject({ name: 'payments-api', sha256: api.sha256 });
    expect((await post('/bundles', rm_, bundle('^2.1.0'))).statusCode).toBe(200);
    expect((await post('/bundles', rm_, bundle('>=2.0.0'))).statusCode).toBe(409);
    expect(await bundles()).toBe(1);
    const got = await f.app.inject({ method: 'GET', url: '/bundles/checkout/2026.11.0', headers: ci });
    expect(got.json().constraints).toEqual([{ from: 'checkout-web', to: 'payments-api', range: '^2.1.0' }]);
  });

  it('retention: a dry run reports, the sweep deletes expired content only, respecting a legal hold', async () => {
    const rc = await upload('payments-api', '2.4.0-rc.1', Buffer.from('release candidate 2.4.0-rc.1'));
    const held = await upload('ledger', '1.0.0-snapshot.3', Buffer.from('ledger snapshot under investigation'));
    expect([rc.statusCode, held.statusCode]).toEqual([201, 201]);
    const hold = await post('/artifacts/ledger/1.0.0-snapshot.3/legal-hold', auditor, {
      reason: 'litigation',
      caseRef: 'CASE-9',
    });
    expect(hold.statusCode).toBe(200);
    await f.caughtUp();

    f.clock.now = new Date(f.clock.now.getTime() + 15 * 86_400_000);
    const report = (await f.app.inject({ method: 'GET', url: '/retention/report', headers: ci })).json();
    const actions = Object.fromEntries(
      report.items.map((i: { name: string; version: string; action: string }) => [`${i.name}@${i.version}`, i.action]),
    );
    expect(actions).toEqual({
      'payments-api@2.3.1': 'keep',
      'checkout-web@5.0.0': 'keep',
      'payments-api@2.4.0-rc.1': 'delete',
      'ledger@1.0.0-snapshot.3': 'held',
    });
    expect(report.summary).toEqual({ delete: 1, keep: 2, held: 1 });
    expect(await stat(f.runtime.content.pathOf(rc.json().sha256))).toBeTruthy();

    const swept = (await post('/retention/sweep', admin)).json();
    expect(swept.swept).toMatchObject([{ name: 'payments-api', version: '2.4.0-rc.1', contentDeleted: true }]);
    expect(swept.skipped).toMatchObject([{ name: 'ledger', code: 'ARTIFACT_LEGAL_HOLD_ACTIVE' }]);
    await expect(stat(f.runtime.content.pathOf(rc.json().sha256))).rejects.toThrow();
    expect(await f.runtime.content.has(held.json().sha256)).toBe(true);
    expect(await f.runtime.content.has(api.sha256)).toBe(true);

    const gone = await f.app.inject({ method: 'GET', url: '/artifacts/payments-api/2.4.0-rc.1/content', headers: ci });
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ code: 'ARTIFACT_CONTENT_SWEPT', rule: 'snapshot' });
    expect(gone.json().detail).toMatch(/snapshots are kept 14 days/);
    expect(await typesOf(rc.json().id)).toEqual(['ArtifactRegistered', 'ArtifactSwept']);
    await f.caughtUp();
    const byDigest = await f.app.inject({ method: 'GET', url: `/blobs/sha256/${rc.json().sha256}`, headers: ci });
    expect(byDigest.statusCode).toBe(410);

    expect(
      (await post('/artifacts/ledger/1.0.0-snapshot.3/legal-hold/release', auditor, { reason: 'case closed' }))
        .statusCode,
    ).toBe(200);
    await f.caughtUp();
    const later = (await post('/retention/sweep', admin)).json();
    expect(later.swept).toMatchObject([{ name: 'ledger', contentDeleted: true }]);
    expect(await f.runtime.content.has(held.json().sha256)).toBe(false);
  });
});
