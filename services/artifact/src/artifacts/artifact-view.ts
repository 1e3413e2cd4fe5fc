import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { RegisteredArtifact } from './domain/artifact.js';

/** The path of one artifact version. Names are one URL segment; their convention per kind is checked by the domain. */
export const ArtifactParams = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, '1-128 letters, digits, dots, dashes or underscores')
    .describe('The artifact name (its kind has a naming convention: ARTIFACT_NAMING).'),
  version: z.string().min(1).max(256).describe('A SemVer 2.0 version; build metadata (+…) does not change identity.'),
});
export type ArtifactParams = z.infer<typeof ArtifactParams>;

/** The artifact as the API shows it. */
export const ArtifactView = schemaComponent(
  'Artifact',
  z.object({
    id: z.uuid(),
    name: z.string(),
    kind: z.string(),
    version: z.string(),
    sha256: z.string(),
    digest: z.string().describe('`sha256:<hex>`, the content address.'),
    size: z.number().int().nullable(),
    storage: z.enum(['internal', 'external']),
    uri: z.string().nullable(),
    buildMetadata: z.string().nullable(),
    sourceCommit: z.string().nullable(),
    repository: z.string().nullable(),
    pipelineRun: z.string().nullable(),
    stability: z.enum(['release', 'snapshot']),
    auditClass: z.enum(['standard', 'regulated']),
    promotions: z.array(z.string()),
    signatures: z.array(z.object({ keyId: z.string(), algorithm: z.string(), signature: z.string() })),
    scans: z.object({
      staticAnalysis: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
      vulnerabilities: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
      licenses: z.array(z.object({ name: z.string(), license: z.string(), verdict: z.string() })).nullable(),
    }),
    legalHold: z.object({ reason: z.string(), caseRef: z.string().nullable() }).nullable(),
    swept: z.object({ rule: z.string(), reason: z.string(), retainedUntil: z.string() }).nullable(),
    revision: z.number().int().describe('The stream revision; also sent as the ETag.'),
  }),
);
export type ArtifactView = z.infer<typeof ArtifactView>;

export function artifactView(a: RegisteredArtifact, revision: bigint): ArtifactView {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    version: a.version,
    sha256: a.sha256,
    digest: `sha256:${a.sha256}`,
    size: a.size ?? null,
    storage: a.storage,
    uri: a.uri ?? null,
    buildMetadata: a.buildMetadata ?? null,
    sourceCommit: a.sourceCommit ?? null,
    repository: a.repository ?? null,
    pipelineRun: a.pipelineRun ?? null,
    stability: a.stability,
    auditClass: a.auditClass,
    promotions: a.promotions,
    signatures: a.signatures,
    scans: {
      staticAnalysis: a.staticAnalysis ?? null,
      vulnerabilities: a.vulnerabilities ?? null,
      licenses: a.licenses ?? null,
    },
    legalHold: a.legalHold ? { reason: a.legalHold.reason, caseRef: a.legalHold.caseRef ?? null } : null,
    swept: a.swept ?? null,
    revision: Number(revision),
  };
}

/** Metadata a publisher sends with an artifact (headers on upload, fields on external registration). */
export const PublishMetadata = {
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,49}$/)
    .default('service'),
  sourceCommit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'a commit id: 7-64 lowercase hex characters')
    .optional(),
  repository: z.string().min(1).max(500).optional(),
  pipelineRun: z.string().min(1).max(200).optional(),
  auditClass: z.enum(['standard', 'regulated']).default('standard'),
};
