import { ArtifactErrorCodes, type ArtifactEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { type ArtifactCommand, artifactDecider, type RegisterArtifact } from './artifact.decide.js';
import type { StagePolicy } from './gates.js';

const conventions = { service: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, library: /^[a-z][a-z0-9.]*$/ };
const decider = artifactDecider(conventions);
const actor = { id: 'ci-bot', kind: 'system' as const, roles: ['developer'] };
const at = new Date('2026-11-26T10:00:00Z');
const id = '0193a5b0-0000-7000-8000-000000000001';
const sha = 'a'.repeat(64);
const other = 'b'.repeat(64);

const register = (over: Partial<RegisterArtifact> = {}): ArtifactCommand => ({
  type: 'RegisterArtifact',
  actor,
  at,
  artifactId: id,
  name: 'payments-api',
  kind: 'service',
  version: '1.4.0+build.7',
  sha256: sha,
  size: 10,
  storage: 'internal',
  sourceCommit: 'abc1234',
  auditClass: 'standard',
  ...over,
});

const registered: ArtifactEvent = {
  type: 'ArtifactRegistered',
  data: {
    artifactId: id,
    name: 'payments-api',
    kind: 'service',
    version: '1.4.0+build.7',
    sha256: sha,
    size: 10,
    storage: 'internal',
    sourceCommit: 'abc1234',
    auditClass: 'standard',
    buildMetadata: 'build.7',
    stability: 'release',
  },
};
const cleanScans: ArtifactEvent[] = [
  {
    type: 'StaticAnalysisAttached',
    data: { artifactId: id, tool: 'semgrep', findings: { critical: 0, high: 0, medium: 3, low: 1, info: 0 } },
  },
  {
    type: 'VulnerabilityScanAttached',
    data: { artifactId: id, tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 2 } },
  },
  {
    type: 'LicenseScanAttached',
    data: {
      artifactId: id,
      tool: 'syft',
      source: 'components',
      policy: { allow: ['MIT'], deny: ['GPL-3.0-only'] },
      components: [{ name: 'left-pad', license: 'MIT', verdict: 'allowed', reason: 'satisfied by the allow list' }],
    },
  },
];
const signed: ArtifactEvent = {
  type: 'ArtifactSigned',
  data: {
    artifactId: id,
    sha256: sha,
    keyId: '0193a5b0-0000-7000-8000-0000000000aa',
    algorithm: 'ed25519',
    signature: 'c2ln',
  },
};
const prod: StagePolicy = {
  staticAnalysis: { maxCritical: 0, maxHigh: 0 },
  vulnerabilities: { maxCritical: 0, maxHigh: 0 },
  licenses: true,
  signature: true,
};
const promote = (stage: string, policy: StagePolicy, valid = true): ArtifactCommand => ({
  type: 'PromoteArtifact',
  actor,
  at,
  stage,
  policy,
  signatureChecks: [{ keyId: '0193a5b0-0000-7000-8000-0000000000aa', valid }],
});

describe('artifact decider', () => {
  describe('when nothing is registered', () => {
    it('registers a conforming name and SemVer version, keeping build metadata and stability', () => {
      spec(decider).when(register()).then([registered]);
    });
    it('marks a prerelease as a snapshot', () => {
      const [event] = spec(decider)
        .when(register({ version: '2.0.0-rc.1' }))
        .then([
          {
            ...registered,
            data: { ...registered.data, version: '2.0.0-rc.1', buildMetadata: undefined, stability: 'snapshot' },
          } as ArtifactEvent,
        ]);
      expect(event?.type).toBe('ArtifactRegistered');
    });
    it.each(['Payments_API', 'payments--api', '-payments'])('refuses the name %s with the convention', (name) => {
      const error = spec(decider).when(register({ name })).thenThrows(ArtifactErrorCodes.NAME_INVALID);
      expect(error.details).toMatchObject({ kind: 'service' });
    });
    it('refuses an unknown kind', () => {
      spec(decider)
        .when(register({ kind: 'firmware' }))
        .thenThrows(ArtifactErrorCodes.KIND_UNKNOWN);
    });
    it.each(['1.2', 'v1.2.3', '01.2.3', '1.2.3 ', '1.2.3-', 'latest'])('refuses the version %j', (version) => {
      spec(decider).when(register({ version })).thenThrows(ArtifactErrorCodes.VERSION_INVALID);
    });
    it.each([
      { type: 'SignArtifact', keyId: 'k', algorithm: 'ed25519', signature: 's' },
      { type: 'PlaceLegalHold', reason: 'case' },
      { type: 'AttachStaticAnalysis', tool: 't', findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 } },
    ])('answers not found to $type', (command) => {
      spec(decider)
        .when({ ...command, actor, at } as ArtifactCommand)
        .thenThrows(ArtifactErrorCodes.NOT_FOUND);
    });
  });

  describe('when registered', () => {
    it('is idempotent for the same content, even under other build metadata', () => {
      spec(decider).given([registered]).when(register()).thenNothing();
      spec(decider)
        .given([registered])
        .when(register({ version: '1.4.0+build.8' }))
        .thenNothing();
    });
    it('records (and so refuses) an overwrite with other content, changing nothing else', () => {
      const g = spec(decider).given([registered]);
      g.when(register({ sha256: other, size: 3 })).then([
        {
          type: 'ArtifactOverwriteRefused',
          data: {
            artifactId: id,
            name: 'payments-api',
            version: '1.4.0+build.7',
            existingSha256: sha,
            attemptedSha256: other,
            attemptedSize: 3,
          },
        },
      ]);
      const state = spec(decider)
        .given([
          registered,
          {
            type: 'ArtifactOverwriteRefused',
            data: {
              artifactId: id,
              name: 'payments-api',
              version: '1.4.0',
              existingSha256: sha,
              attemptedSha256: other,
            },
          },
        ])
        .when(register()).state;
      expect(state).toMatchObject({ sha256: sha, overwriteAttempts: 1 });
    });
    it('signs once per key', () => {
      const sign: ArtifactCommand = {
        type: 'SignArtifact',
        actor,
        at,
        keyId: signed.data.keyId as string,
        algorithm: 'ed25519',
        signature: 'c2ln',
      };
      spec(decider).given([registered]).when(sign).then([signed]);
      spec(decider).given([registered, signed]).when(sign).thenNothing();
    });
  });

  describe('promotion gates', () => {
    it('names every failing rule of the stage policy when nothing is attached', () => {
      const error = spec(decider)
        .given([registered])
        .when(promote('prod', prod))
        .thenThrows(ArtifactErrorCodes.GATE_FAILED);
      expect((error.details!.failures as { rule: string }[]).map((f) => f.rule)).toEqual([
        'static-analysis.present',
        'vulnerabilities.present',
        'licenses.present',
        'signature.present',
      ]);
    });
    it('fails on severities above the limits and on licenses not allowed', () => {
      const bad: ArtifactEvent[] = [
        {
          type: 'StaticAnalysisAttached',
          data: { artifactId: id, tool: 's', findings: { critical: 1, high: 2, medium: 0, low: 0, info: 0 } },
        },
        {
          type: 'VulnerabilityScanAttached',
          data: { artifactId: id, tool: 'g', counts: { critical: 0, high: 1, medium: 0, low: 0 } },
        },
        {
          type: 'LicenseScanAttached',
          data: {
            artifactId: id,
            tool: 'x',
            source: 'components',
            policy: { allow: [], deny: [] },
            components: [{ name: 'gpl-lib', license: 'GPL-3.0-only', verdict: 'denied', reason: 'deny list' }],
          },
        },
        signed,
      ];
      const error = spec(decider)
        .given([registered, ...bad])
        .when(promote('prod', prod))
        .thenThrows(ArtifactErrorCodes.GATE_FAILED);
      expect((error.details!.failures as { rule: string }[]).map((f) => f.rule)).toEqual([
        'static-analysis.critical',
        'static-analysis.high',
        'vulnerabilities.high',
        'licenses.allowed',
      ]);
    });
    it('reports components that declare no license apart from licenses not allowed', () => {
      const scan: ArtifactEvent = {
        type: 'LicenseScanAttached',
        data: {
          artifactId: id,
          tool: 'cyclonedx-npm',
          source: 'cyclonedx',
          policy: { allow: ['MIT'], deny: [] },
          components: [
            { name: 'left-pad', license: 'MIT', verdict: 'allowed', reason: 'satisfied by the allow list' },
            { name: 'acme-eula', license: 'LicenseRef-Acme', verdict: 'unknown', reason: 'not covered' },
            { name: '@railyard/cli', license: 'NOASSERTION', verdict: 'unasserted', reason: 'no license declared' },
          ],
        },
      };
      const error = spec(decider)
        .given([registered, ...cleanScans.slice(0, 2), scan])
        .when(promote('staging', { licenses: true }))
        .thenThrows(ArtifactErrorCodes.GATE_FAILED);
      expect(error.details?.failures).toEqual([
        {
          rule: 'licenses.allowed',
          detail:
            'Not allowed by the license policy: acme-eula (LicenseRef-Acme: unknown). ' +
            'No license declared (NOASSERTION): @railyard/cli.',
        },
      ]);
    });
    it('refuses an unsigned artifact, then one whose signature does not verify', () => {
      spec(decider)
        .given([registered, ...cleanScans])
        .when(promote('prod', prod))
        .thenThrows(ArtifactErrorCodes.GATE_FAILED);
      const error = spec(decider)
        .given([registered, ...cleanScans, signed])
        .when(promote('prod', prod, false))
        .thenThrows(ArtifactErrorCodes.GATE_FAILED);
      expect(error.details?.failures).toEqual([
        { rule: 'signature.valid', detail: 'No signature verifies against the keyring.' },
      ]);
    });
    it('promotes once every gate passes, naming the rules checked; again is a no-op', () => {
      const [event] = spec(decider)
        .given([registered, ...cleanScans, signed])
        .when(promote('prod', prod))
        .then([
          {
            type: 'ArtifactPromoted',
            data: {
              artifactId: id,
              name: 'payments-api',
              version: '1.4.0+build.7',
              sha256: sha,
              stage: 'prod',
              rulesChecked: [
                'static-analysis.present',
                'static-analysis.critical',
                'static-analysis.high',
                'vulnerabilities.present',
                'vulnerabilities.critical',
                'vulnerabilities.high',
                'licenses.present',
                'licenses.allowed',
                'signature.present',
                'signature.valid',
              ],
            },
          },
        ]);
      spec(decider).given([registered, event!]).when(promote('prod', prod)).thenNothing();
    });
    it('lets a stage with an empty policy through', () => {
      spec(decider)
        .given([registered])
        .when(promote('dev', {}))
        .then([
          {
            type: 'ArtifactPromoted',
            data: {
              artifactId: id,
              name: 'payments-api',
              version: '1.4.0+build.7',
              sha256: sha,
              stage: 'dev',
              rulesChecked: [],
            },
          },
        ]);
    });
  });

  describe('retention and legal hold', () => {
    const sweep = (retainedUntil: string): ArtifactCommand => ({
      type: 'SweepArtifact',
      actor,
      at,
      rule: 'snapshot',
      retainedUntil: new Date(retainedUntil),
      reason: 'snapshots are kept 14 days',
    });
    const hold: ArtifactEvent = {
      type: 'LegalHoldPlaced',
      data: { artifactId: id, reason: 'litigation', caseRef: 'CASE-1' },
    };
    const swept: ArtifactEvent = {
      type: 'ArtifactSwept',
      data: {
        artifactId: id,
        sha256: sha,
        rule: 'snapshot',
        retainedUntil: '2026-11-01T00:00:00.000Z',
        reason: 'snapshots are kept 14 days',
      },
    };
    it('sweeps an expired artifact', () => {
      spec(decider).given([registered]).when(sweep('2026-11-01T00:00:00.000Z')).then([swept]);
    });
    it('refuses to sweep before the retention ends', () => {
      spec(decider)
        .given([registered])
        .when(sweep('2027-01-01T00:00:00Z'))
        .thenThrows(ArtifactErrorCodes.RETENTION_NOT_EXPIRED);
    });
    it('refuses to sweep under a legal hold, and sweeps once it is released', () => {
      spec(decider)
        .given([registered, hold])
        .when(sweep('2026-11-01T00:00:00Z'))
        .thenThrows(ArtifactErrorCodes.LEGAL_HOLD_ACTIVE);
      const released: ArtifactEvent = { type: 'LegalHoldReleased', data: { artifactId: id } };
      spec(decider).given([registered, hold, released]).when(sweep('2026-11-01T00:00:00.000Z')).then([swept]);
    });
    it('places a hold once; releasing needs one', () => {
      const place: ArtifactCommand = { type: 'PlaceLegalHold', actor, at, reason: 'litigation', caseRef: 'CASE-1' };
      spec(decider).given([registered]).when(place).then([hold]);
      spec(decider).given([registered, hold]).when(place).thenNothing();
      spec(decider)
        .given([registered])
        .when({ type: 'ReleaseLegalHold', actor, at })
        .thenThrows(ArtifactErrorCodes.LEGAL_HOLD_ABSENT);
    });
    it('after a sweep: nothing to sweep again, no promotion, no signing', () => {
      spec(decider).given([registered, swept]).when(sweep('2026-11-01T00:00:00Z')).thenNothing();
      spec(decider).given([registered, swept]).when(promote('dev', {})).thenThrows(ArtifactErrorCodes.SWEPT);
    });
  });
});
