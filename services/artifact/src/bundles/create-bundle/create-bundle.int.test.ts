import { ArtifactSwept, BundleCreated, ArtifactErrorCodes as Codes, ErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactSpecFixture,
  ci,
  daysBefore,
  releaseManager,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';
import { bundleIdOf, bundleStream } from '../bundle-store.js';

describe('POST /bundles', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('createBundle');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const create = (payload: Record<string, unknown>, who = releaseManager) =>
    s.request('POST', '/bundles', who, payload);
  /** A fresh bundle name@version and its stream. */
  const bundle = (version = '1.0.0') => {
    const name = `core-${s.fresh().name}`;
    const id = bundleIdOf(name, version);
    return { name, version, id, stream: bundleStream(id) };
  };
  const pin = (a: SpecArtifact, version = a.version) => ({ name: a.name, version });

  describe('specification', () => {
    it('pins each artifact as registered (version and digest) under the constraints: BundleCreated, 201', async () => {
      const api = s.fresh('2.3.1+build.5');
      const web = s.fresh('1.8.0');
      const b = bundle();
      const constraints = [{ from: web.name, to: api.name, range: '^2.3.0' }];
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(web.stream, s.registered(web))
        .when(
          create({
            name: b.name,
            version: b.version,
            artifacts: [pin(api, '2.3.1'), { ...pin(web), repository: 'https://git.example/web' }],
            constraints,
          }),
        )
        .then({
          status: 201,
          body: {
            id: b.id,
            artifacts: [
              { name: api.name, version: '2.3.1+build.5', sha256: api.sha256, repository: null },
              { name: web.name, version: '1.8.0', sha256: web.sha256, repository: 'https://git.example/web' },
            ],
            constraints,
          },
          events: {
            [b.stream]: [
              event(BundleCreated, {
                bundleId: b.id,
                name: b.name,
                version: '1.0.0',
                artifacts: [
                  { name: api.name, version: '2.3.1+build.5', sha256: api.sha256 },
                  { name: web.name, version: '1.8.0', sha256: web.sha256, repository: 'https://git.example/web' },
                ],
                constraints,
              }),
            ],
          },
        });
    });

    it('the same pins again are a no-op: 200, nothing appended', async () => {
      const api = s.fresh();
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(
          b.stream,
          event(BundleCreated, {
            bundleId: b.id,
            name: b.name,
            version: b.version,
            artifacts: [{ name: api.name, version: api.version, sha256: api.sha256 }],
            constraints: [],
          }),
        )
        .when(create({ name: b.name, version: b.version, artifacts: [pin(api)] }))
        .then({ status: 200, body: { id: b.id } });
    });

    it('409 ARTIFACT_BUNDLE_EXISTS for other pins under a version already created', async () => {
      const api = s.fresh('2.0.0');
      const newer = s.fresh('2.1.0', api.name);
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(newer.stream, s.registered(newer))
        .given(
          b.stream,
          event(BundleCreated, {
            bundleId: b.id,
            name: b.name,
            version: b.version,
            artifacts: [{ name: api.name, version: '2.0.0', sha256: api.sha256 }],
            constraints: [],
          }),
        )
        .when(create({ name: b.name, version: b.version, artifacts: [pin(newer)] }))
        .then({ status: 409, code: Codes.BUNDLE_EXISTS });
    });

    it('422 ARTIFACT_BUNDLE_MEMBER_UNKNOWN for a pin never registered, or swept', async () => {
      const api = s.fresh();
      const swept = s.fresh('0.3.0-dev.1');
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(
          swept.stream,
          s.registered(swept, {}, daysBefore(30)),
          event(ArtifactSwept, {
            artifactId: swept.id,
            sha256: swept.sha256,
            rule: 'snapshot',
            retainedUntil: daysBefore(16).toISOString(),
            reason: 'snapshots are kept 14 days',
          }),
        )
        .given(b.stream)
        .when(create({ name: b.name, version: b.version, artifacts: [pin(api, '9.9.9'), pin(swept)] }))
        .then({
          status: 422,
          code: Codes.BUNDLE_MEMBER_UNKNOWN,
          body: {
            unknown: [
              { name: api.name, version: '9.9.9' },
              { name: swept.name, version: '0.3.0-dev.1' },
            ],
          },
        });
    });

    it('422 ARTIFACT_BUNDLE_MEMBER_DUPLICATE for an artifact pinned twice', async () => {
      const api = s.fresh();
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(b.stream)
        .when(create({ name: b.name, version: b.version, artifacts: [pin(api), pin(api)] }))
        .then({ status: 422, code: Codes.BUNDLE_MEMBER_DUPLICATE });
    });

    it('422 ARTIFACT_BUNDLE_CONSTRAINT_UNSATISFIED, naming each violation', async () => {
      const api = s.fresh('1.9.0');
      const web = s.fresh('1.0.0');
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(web.stream, s.registered(web))
        .given(b.stream)
        .when(
          create({
            name: b.name,
            version: b.version,
            artifacts: [pin(api), pin(web)],
            constraints: [
              { from: web.name, to: api.name, range: '>=2.0.0' },
              { from: web.name, to: 'search', range: '*' },
            ],
          }),
        )
        .then({
          status: 422,
          code: Codes.BUNDLE_CONSTRAINT_UNSATISFIED,
          body: {
            violations: [
              { from: web.name, to: api.name, range: '>=2.0.0', problem: `${api.name}@1.9.0 does not satisfy >=2.0.0` },
              { from: web.name, to: 'search', range: '*', problem: 'search is not in the bundle' },
            ],
          },
        });
    });

    it('422 ARTIFACT_BUNDLE_RANGE_INVALID for a constraint that is not a SemVer range', async () => {
      const api = s.fresh();
      const web = s.fresh();
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(web.stream, s.registered(web))
        .given(b.stream)
        .when(
          create({
            name: b.name,
            version: b.version,
            artifacts: [pin(api), pin(web)],
            constraints: [{ from: web.name, to: api.name, range: 'newest please' }],
          }),
        )
        .then({ status: 422, code: Codes.BUNDLE_RANGE_INVALID });
    });

    it('422 ARTIFACT_VERSION_INVALID for a bundle version that is not SemVer', async () => {
      const api = s.fresh();
      const b = bundle('2026.11');
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(b.stream)
        .when(create({ name: b.name, version: b.version, artifacts: [pin(api)] }))
        .then({ status: 422, code: Codes.VERSION_INVALID });
    });

    it('400 RAILYARD_REQUEST_INVALID for a bundle that pins nothing', async () => {
      const b = bundle();
      await s
        .spec()
        .given(b.stream)
        .when(create({ name: b.name, version: b.version, artifacts: [] }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });

    it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
      const api = s.fresh();
      const b = bundle();
      await s
        .spec()
        .given(api.stream, s.registered(api))
        .given(b.stream)
        .when(create({ name: b.name, version: b.version, artifacts: [pin(api)] }, ci))
        .then({ status: 403, code: ErrorCodes.FORBIDDEN });
    });
  });

  // A bundle pins artifacts as the registry resolves versions: build metadata is not identity, so a pin of
  // `1.2.3+other` pins the registered `1.2.3+build.7` and records that version with its digest.
  describe('pins of an uploaded artifact', () => {
    let sha256: string;
    beforeAll(async () => {
      const res = await s.f.app.inject({
        method: 'PUT',
        url: '/artifacts/ledger/1.2.3+build.7',
        headers: { ...(await s.f.auth(ci.id, ci.roles)), 'content-type': 'application/octet-stream' },
        payload: Buffer.from('ledger 1.2.3'),
      });
      expect(res.statusCode).toBe(201);
      sha256 = res.json().sha256;
    });
    const createCore = async (version: string, pinned: string) =>
      s.f.app.inject({
        method: 'POST',
        url: '/bundles',
        headers: await s.f.auth(releaseManager.id, releaseManager.roles),
        payload: { name: 'core', version, artifacts: [{ name: 'ledger', version: pinned }] },
      });

    it('resolves a pin with other build metadata, or none, to the registered version and digest', async () => {
      for (const [bundleVersion, pinned] of [
        ['1.0.0', '1.2.3+other'],
        ['1.0.1', '1.2.3'],
      ] as const) {
        const res = await createCore(bundleVersion, pinned);
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().artifacts).toEqual([{ name: 'ledger', version: '1.2.3+build.7', sha256, repository: null }]);
      }
    });

    it('still refuses a pin of a version that is not registered, or not a version', async () => {
      for (const pinned of ['1.2.4', 'v1.2.3']) {
        const res = await createCore('2.0.0', pinned);
        expect(res.statusCode, pinned).toBe(422);
      }
    });
  });
});
