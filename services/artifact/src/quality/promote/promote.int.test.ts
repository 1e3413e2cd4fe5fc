import {
  ArtifactPromoted,
  ArtifactSigned,
  ArtifactSwept,
  ArtifactErrorCodes as Codes,
  ErrorCodes,
  LicenseScanAttached,
  StaticAnalysisAttached,
  VulnerabilityScanAttached,
} from '@railyard/contracts';
import { event, type SpecEvent } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactFixture } from '../../test-support/artifact-fixture.js';
import {
  type ArtifactSpecFixture,
  admin,
  ci,
  daysBefore,
  deployer,
  releaseManager,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

let s: ArtifactSpecFixture;
beforeAll(async () => {
  s = await startArtifactSpecs('promote');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('POST /artifacts/:name/:version/promotions', () => {
  let keyId: string;
  beforeAll(async () => {
    const res = await s.f.app.inject({
      method: 'POST',
      url: '/signing-keys',
      headers: await s.f.auth(admin.id, admin.roles),
    });
    expect(res.statusCode).toBe(201);
    keyId = res.json().keyId;
  });
  const promote = (a: SpecArtifact, stage: string, who = deployer) =>
    s.request('POST', `/artifacts/${a.name}/${a.version}/promotions`, who, { stage });
  const promoted = (a: SpecArtifact, stage: string, rulesChecked: string[]) =>
    event(ArtifactPromoted, {
      artifactId: a.id,
      name: a.name,
      version: a.version,
      sha256: a.sha256,
      stage,
      rulesChecked,
    });
  /** Clean static analysis, vulnerabilities and licenses: what staging and prod ask for, short of a signature. */
  const cleanScans = (a: SpecArtifact): SpecEvent[] => [
    event(StaticAnalysisAttached, {
      artifactId: a.id,
      tool: 'semgrep',
      findings: { critical: 0, high: 0, medium: 3, low: 1, info: 0 },
    }),
    event(VulnerabilityScanAttached, {
      artifactId: a.id,
      tool: 'grype',
      counts: { critical: 0, high: 0, medium: 1, low: 0 },
    }),
    event(LicenseScanAttached, {
      artifactId: a.id,
      tool: 'syft',
      source: 'components',
      policy: { allow: ['MIT'], deny: [] },
      components: [{ name: 'left-pad', license: 'MIT', verdict: 'allowed', reason: 'satisfied by the allow list' }],
    }),
  ];
  const scanRules = [
    'static-analysis.present',
    'static-analysis.critical',
    'static-analysis.high',
    'vulnerabilities.present',
    'vulnerabilities.critical',
    'vulnerabilities.high',
    'licenses.present',
    'licenses.allowed',
  ];

  it('dev asks for nothing: ArtifactPromoted with no rules checked, 201', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(promote(a, 'dev'))
      .then({
        status: 201,
        body: { id: a.id, promotions: ['dev'], revision: 1 },
        events: { [a.stream]: [promoted(a, 'dev', [])] },
      });
  });

  it('staging with clean scans: ArtifactPromoted naming every rule that passed', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a), ...cleanScans(a))
      .when(promote(a, 'staging', releaseManager))
      .then({ status: 201, events: { [a.stream]: [promoted(a, 'staging', scanRules)] } });
  });

  it('prod with clean scans and a signature that verifies against the keyring', async () => {
    const a = s.fresh();
    const signature = (await s.f.runtime.vault.sign(keyId, Buffer.from(a.sha256, 'hex'))).toString('base64');
    await s
      .spec()
      .given(
        a.stream,
        s.registered(a),
        ...cleanScans(a),
        event(ArtifactSigned, { artifactId: a.id, sha256: a.sha256, keyId, algorithm: 'ed25519', signature }),
      )
      .when(promote(a, 'prod'))
      .then({
        status: 201,
        events: { [a.stream]: [promoted(a, 'prod', [...scanRules, 'signature.present', 'signature.valid'])] },
      });
  });

  it('a stage it already reached: 200, nothing appended', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a), promoted(a, 'dev', []))
      .when(promote(a, 'dev'))
      .then({ status: 200, body: { promotions: ['dev'], revision: 1 } });
  });

  it('409 ARTIFACT_GATE_FAILED naming each failing rule, appending nothing', async () => {
    const a = s.fresh();
    const [, vulnerabilities, licenses] = cleanScans(a);
    await s
      .spec()
      .given(
        a.stream,
        s.registered(a),
        event(StaticAnalysisAttached, {
          artifactId: a.id,
          tool: 'semgrep',
          findings: { critical: 2, high: 0, medium: 0, low: 0, info: 0 },
        }),
        vulnerabilities!,
        licenses!,
        event(ArtifactSigned, {
          artifactId: a.id,
          sha256: a.sha256,
          keyId,
          algorithm: 'ed25519',
          signature: Buffer.alloc(64, 7).toString('base64'),
        }),
      )
      .when(promote(a, 'prod'))
      .then({
        status: 409,
        code: Codes.GATE_FAILED,
        body: {
          stage: 'prod',
          failures: [
            { rule: 'static-analysis.critical', detail: '2 critical > 0 allowed.' },
            { rule: 'signature.valid', detail: 'No signature verifies against the keyring.' },
          ],
        },
      });
  });

  it('422 ARTIFACT_STAGE_UNKNOWN for a stage no policy names', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(promote(a, 'qa'))
      .then({ status: 422, code: Codes.STAGE_UNKNOWN, body: { stages: ['dev', 'staging', 'prod'] } });
  });

  it('404 ARTIFACT_NOT_FOUND for a version never registered', async () => {
    const a = s.fresh();
    await s.spec().given(a.stream).when(promote(a, 'dev')).then({ status: 404, code: Codes.NOT_FOUND });
  });

  it('409 ARTIFACT_SWEPT once retention swept the content', async () => {
    const a = s.fresh('0.4.0-dev.2');
    await s
      .spec()
      .given(
        a.stream,
        s.registered(a, {}, daysBefore(30)),
        event(ArtifactSwept, {
          artifactId: a.id,
          sha256: a.sha256,
          rule: 'snapshot',
          retainedUntil: daysBefore(16).toISOString(),
          reason: 'snapshots are kept 14 days',
        }),
      )
      .when(promote(a, 'dev'))
      .then({ status: 409, code: Codes.SWEPT });
  });

  it('400 RAILYARD_REQUEST_INVALID for a stage that is not a stage name', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(promote(a, 'Prod!'))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(promote(a, 'dev', ci))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});

// Last: it takes the keys out of the vault. Promotion checks each signature against the key vault at promotion time, not only that one was recorded.
describe('promotion and signatures that no longer verify', () => {
  let f: ArtifactFixture;
  beforeAll(() => {
    f = s.f;
  });

  it('refuses prod when the signing key is gone from the vault, while staging (no signature rule) passes', async () => {
    const ci = await f.auth('ci-bot', ['developer']);
    const rm = await f.auth('rm-ana', ['release-manager']);
    const admin = await f.auth('admin-kim', ['admin']);
    const put = await f.app.inject({
      method: 'PUT',
      url: '/artifacts/notifier/1.2.0',
      headers: { ...ci, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('notifier 1.2.0'),
    });
    expect(put.statusCode).toBe(201);
    const url = '/artifacts/notifier/1.2.0';
    const scans = [
      { kind: 'static-analysis', tool: 'semgrep', findings: { critical: 0, high: 0, medium: 0, low: 0 } },
      { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 0 } },
      { kind: 'licenses', tool: 'syft', components: [{ name: 'left-pad', license: 'MIT' }] },
    ];
    for (const payload of scans) {
      expect((await f.app.inject({ method: 'POST', url: `${url}/scans`, headers: ci, payload })).statusCode).toBe(201);
    }
    expect((await f.app.inject({ method: 'POST', url: '/signing-keys', headers: admin })).statusCode).toBe(201);
    expect((await f.app.inject({ method: 'POST', url: `${url}/signatures`, headers: rm })).statusCode).toBe(201);
    // The vault loses the key (revoked out of band, or a restore without it): the recorded signature proves nothing.
    await f.pool.query('DELETE FROM artifact.signing_keys');

    const status = (await f.app.inject({ method: 'GET', url: `${url}/stages`, headers: ci })).json();
    expect(status.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([
      ['dev', 'eligible'],
      ['staging', 'eligible'],
      ['prod', 'blocked'],
    ]);
    const before = (await f.store.readStream(`artifact-${put.json().id}`)).length;
    const prod = await f.app.inject({
      method: 'POST',
      url: `${url}/promotions`,
      headers: rm,
      payload: { stage: 'prod' },
    });
    expect(prod.statusCode).toBe(409);
    expect(prod.json().failures).toEqual([
      { rule: 'signature.valid', detail: 'No signature verifies against the keyring.' },
    ]);
    expect((await f.store.readStream(`artifact-${put.json().id}`)).length).toBe(before);

    const staging = await f.app.inject({
      method: 'POST',
      url: `${url}/promotions`,
      headers: rm,
      payload: { stage: 'staging' },
    });
    expect(staging.statusCode).toBe(201);
    expect(staging.json().promotions).toEqual(['staging']);
  });
});
