import {
  ArtifactSwept,
  ArtifactErrorCodes as Codes,
  ErrorCodes,
  LicenseScanAttached,
  StaticAnalysisAttached,
  VulnerabilityScanAttached,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_LICENSE_POLICY } from '../../config.js';
import {
  type ArtifactSpecFixture,
  ci,
  daysBefore,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

describe('POST /artifacts/:name/:version/scans', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('attachScan');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const attach = (a: SpecArtifact, payload: Record<string, unknown>) =>
    s.request('POST', `/artifacts/${a.name}/${a.version}/scans`, ci, payload);
  const policy = { allow: DEFAULT_LICENSE_POLICY.allow, deny: DEFAULT_LICENSE_POLICY.deny };

  it('static analysis: StaticAnalysisAttached with its findings (info 0 when not given), 201', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(
        attach(a, { kind: 'static-analysis', tool: 'semgrep', findings: { critical: 1, high: 2, medium: 3, low: 4 } }),
      )
      .then({
        status: 201,
        body: {
          id: a.id,
          scans: { staticAnalysis: { critical: 1, high: 2, medium: 3, low: 4, info: 0 } },
          revision: 1,
        },
        events: {
          [a.stream]: [
            event(StaticAnalysisAttached, {
              artifactId: a.id,
              tool: 'semgrep',
              findings: { critical: 1, high: 2, medium: 3, low: 4, info: 0 },
            }),
          ],
        },
      });
  });

  it('vulnerabilities: VulnerabilityScanAttached with its counts, 201', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(attach(a, { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 1, medium: 2, low: 5 } }))
      .then({
        status: 201,
        events: {
          [a.stream]: [
            event(VulnerabilityScanAttached, {
              artifactId: a.id,
              tool: 'grype',
              counts: { critical: 0, high: 1, medium: 2, low: 5 },
            }),
          ],
        },
      });
  });

  it('licenses as components: each expression judged by the policy in force, recorded with it', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(
        attach(a, {
          kind: 'licenses',
          tool: 'syft',
          components: [
            { name: 'fastify', version: '5.0.0', license: 'MIT' },
            { name: 'pg', license: 'MIT OR GPL-3.0-only' },
            { name: 'readline', license: 'GPL-3.0-only' },
            { name: 'mpl-thing', license: 'MPL-2.0' },
            { name: 'odd', license: 'not a license' },
          ],
        }),
      )
      .then({
        status: 201,
        events: {
          [a.stream]: [
            event(LicenseScanAttached, {
              artifactId: a.id,
              tool: 'syft',
              source: 'components',
              policy,
              components: [
                {
                  name: 'fastify',
                  version: '5.0.0',
                  license: 'MIT',
                  verdict: 'allowed',
                  reason: 'satisfied by the allow list',
                },
                {
                  name: 'pg',
                  license: 'MIT OR GPL-3.0-only',
                  verdict: 'allowed',
                  reason: 'satisfied by the allow list',
                },
                {
                  name: 'readline',
                  license: 'GPL-3.0-only',
                  verdict: 'denied',
                  reason: 'denied by policy: GPL-3.0-only',
                },
                { name: 'mpl-thing', license: 'MPL-2.0', verdict: 'unknown', reason: 'not covered by the allow list' },
                { name: 'odd', license: 'not a license', verdict: 'unknown', reason: 'not a valid SPDX expression' },
              ],
            }),
          ],
        },
      });
  });

  it('licenses as a CycloneDX SBOM: nested components read, several licenses joined with AND, none NOASSERTION', async () => {
    const a = s.fresh();
    const sbom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: a.name } },
      components: [
        {
          type: 'library',
          name: 'kysely',
          version: '0.28.0',
          licenses: [{ license: { id: 'Apache-2.0' } }, { license: { id: 'MIT' } }],
          components: [{ type: 'library', name: 'inner', licenses: [{ expression: 'ISC' }] }],
        },
        { type: 'library', name: 'workspace-pkg' },
      ],
    };
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(attach(a, { kind: 'licenses', tool: 'syft', sbom }))
      .then({
        status: 201,
        events: {
          [a.stream]: [
            event(LicenseScanAttached, {
              artifactId: a.id,
              tool: 'syft',
              source: 'cyclonedx',
              policy,
              components: [
                {
                  name: 'kysely',
                  version: '0.28.0',
                  license: 'Apache-2.0 AND MIT',
                  verdict: 'allowed',
                  reason: 'satisfied by the allow list',
                },
                { name: 'inner', license: 'ISC', verdict: 'allowed', reason: 'satisfied by the allow list' },
                {
                  name: 'workspace-pkg',
                  license: 'NOASSERTION',
                  verdict: 'unasserted',
                  reason:
                    'no license declared (NOASSERTION): declare one in the component, or keep it out of the artifact',
                },
              ],
            }),
          ],
        },
      });
  });

  it('400 ARTIFACT_SBOM_INVALID for both components and an SBOM', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(
        attach(a, {
          kind: 'licenses',
          tool: 'syft',
          components: [{ name: 'fastify', license: 'MIT' }],
          sbom: { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'fastify' }] },
        }),
      )
      .then({ status: 400, code: Codes.SBOM_INVALID });
  });

  it('422 ARTIFACT_SBOM_INVALID for an SBOM that lists no components', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(attach(a, { kind: 'licenses', tool: 'syft', sbom: { bomFormat: 'CycloneDX', specVersion: '1.5' } }))
      .then({ status: 422, code: Codes.SBOM_INVALID });
  });

  it('404 ARTIFACT_NOT_FOUND for a version never registered', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream)
      .when(attach(a, { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 0 } }))
      .then({ status: 404, code: Codes.NOT_FOUND });
  });

  it('409 ARTIFACT_SWEPT once retention swept the content', async () => {
    const a = s.fresh('0.1.0-dev.1');
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
      .when(attach(a, { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 0 } }))
      .then({ status: 409, code: Codes.SWEPT });
  });

  it('400 RAILYARD_REQUEST_INVALID for a kind of scan it does not know', async () => {
    const a = s.fresh();
    await s
      .spec()
      .given(a.stream, s.registered(a))
      .when(attach(a, { kind: 'coverage', tool: 'c8', percent: 80 }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
