import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** A sha256 digest as lowercase hex (64 characters): the content address of an artifact. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 digest as 64 lowercase hex characters');

/** Prerelease versions (`1.2.0-rc.1`, `-SNAPSHOT`) are snapshots; the others are releases. Drives retention. */
export const ArtifactStability = z.enum(['release', 'snapshot']);
/** The audit class an artifact is registered under: `regulated` keeps content longest. Drives retention. */
export const AuditClass = z.enum(['standard', 'regulated']);

const count = z.number().int().min(0).max(1_000_000);
const artifactId = z.uuid();

export const ArtifactRegistered = defineEvent(
  'ArtifactRegistered',
  z.strictObject({
    artifactId,
    name: z.string().min(1).max(200),
    kind: z.string().min(1).max(50),
    version: z.string().min(1).max(256).describe('The SemVer 2.0 version as published, build metadata included.'),
    sha256: Sha256Hex,
    size: z.number().int().min(0).optional().describe('Bytes; absent for external content registered without it.'),
    storage: z.enum(['internal', 'external']),
    uri: z.string().max(2000).optional().describe('Where external content lives (storage = external).'),
    buildMetadata: z.string().max(200).optional(),
    sourceCommit: z.string().max(64).optional(),
    repository: z.string().max(500).optional(),
    pipelineRun: z.string().max(200).optional(),
    stability: ArtifactStability,
    auditClass: AuditClass,
  }),
  'An artifact version was registered: name@version now means this sha256, for good. The start of its stream.',
);

export const ArtifactOverwriteRefused = defineEvent(
  'ArtifactOverwriteRefused',
  z.strictObject({
    artifactId,
    name: z.string(),
    version: z.string(),
    existingSha256: Sha256Hex,
    attemptedSha256: Sha256Hex,
    attemptedSize: z.number().int().min(0).optional(),
  }),
  'Someone tried to publish different content under an existing name@version; refused, nothing else changed.',
);

export const StaticAnalysisAttached = defineEvent(
  'StaticAnalysisAttached',
  z.strictObject({
    artifactId,
    tool: z.string().min(1).max(100),
    findings: z.strictObject({ critical: count, high: count, medium: count, low: count, info: count }),
  }),
  'Static-analysis findings by severity; the latest one of an artifact is the one gates read.',
);

export const VulnerabilityScanAttached = defineEvent(
  'VulnerabilityScanAttached',
  z.strictObject({
    artifactId,
    tool: z.string().min(1).max(100),
    counts: z.strictObject({ critical: count, high: count, medium: count, low: count }),
  }),
  'Vulnerability counts by severity; the latest one of an artifact is the one gates read.',
);

/** `unasserted`: the component declares no license at all (SPDX `NOASSERTION`), which is not the same as an unknown one. */
export const LicenseVerdict = z.enum(['allowed', 'denied', 'unknown', 'unasserted']);
export const LicenseScanAttached = defineEvent(
  'LicenseScanAttached',
  z.strictObject({
    artifactId,
    tool: z.string().min(1).max(100),
    source: z.enum(['components', 'cyclonedx']),
    policy: z.strictObject({ allow: z.array(z.string()), deny: z.array(z.string()) }),
    components: z.array(
      z.strictObject({
        name: z.string(),
        version: z.string().optional(),
        license: z.string().describe('The SPDX expression found for the component.'),
        verdict: LicenseVerdict,
        reason: z.string(),
      }),
    ),
  }),
  'License results: each component SPDX expression evaluated against the allow/deny policy in force then.',
);

export const ArtifactSigned = defineEvent(
  'ArtifactSigned',
  z.strictObject({
    artifactId,
    sha256: Sha256Hex,
    keyId: z.uuid(),
    algorithm: z.enum(['ed25519']),
    signature: z.string().describe('base64 signature over the 32 raw bytes of the sha256 digest.'),
  }),
  'The artifact digest was signed with a key of the keyring (verify with the key exported as PEM).',
);

export const ArtifactPromoted = defineEvent(
  'ArtifactPromoted',
  z.strictObject({
    artifactId,
    name: z.string(),
    version: z.string(),
    sha256: Sha256Hex,
    stage: z.string().min(1).max(50),
    rulesChecked: z.array(z.string()).describe('The gate rules of the stage policy that passed.'),
  }),
  'The artifact passed the gates of a stage (dev, staging, prod…) and was promoted to it.',
);

export const LegalHoldPlaced = defineEvent(
  'LegalHoldPlaced',
  z.strictObject({ artifactId, reason: z.string().min(1).max(1000), caseRef: z.string().max(200).optional() }),
  'A legal hold: the content may not be swept, whatever retention says, until released.',
);

export const LegalHoldReleased = defineEvent(
  'LegalHoldReleased',
  z.strictObject({ artifactId, reason: z.string().max(1000).optional() }),
  'The legal hold was lifted; retention applies again.',
);

export const ArtifactSwept = defineEvent(
  'ArtifactSwept',
  z.strictObject({
    artifactId,
    sha256: Sha256Hex,
    rule: z.string().describe('The retention rule that expired (e.g. snapshot, release, prod, regulated).'),
    retainedUntil: z.iso.datetime({ offset: true }),
    reason: z.string(),
  }),
  'Retention deleted the content (the blob, when no live artifact shares it); the events stay.',
);

/** The artifact aggregate's event catalogue (stream `artifact-<id>`). */
export const artifactEvents = {
  ArtifactRegistered,
  ArtifactOverwriteRefused,
  StaticAnalysisAttached,
  VulnerabilityScanAttached,
  LicenseScanAttached,
  ArtifactSigned,
  ArtifactPromoted,
  LegalHoldPlaced,
  LegalHoldReleased,
  ArtifactSwept,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The artifact aggregate's events as a discriminated union of `{ type, data }`. */
export type ArtifactEvent = {
  [K in keyof typeof artifactEvents]: { type: K; data: DataOf<(typeof artifactEvents)[K]> };
}[keyof typeof artifactEvents];
