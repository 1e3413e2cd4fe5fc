import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArtifactCatalogDb } from '../catalog/projection.js';
import { type RetentionPolicy, retentionOf } from './domain/retention.js';

export const ReportItem = z.object({
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  rule: z.enum(['snapshot', 'release', 'prod', 'regulated']),
  reason: z.string(),
  retainedUntil: z.string(),
  action: z.enum(['delete', 'keep', 'held']).describe('What a sweep at `at` would do.'),
  legalHold: z.string().nullable(),
});
export type ReportItem = z.infer<typeof ReportItem> & { artifactId: string };

/**
 * What retention decides for every artifact whose content is still stored, as of `at`: from the catalog read
 * model (the sweeper re-checks each deletion against the artifact's own stream before acting).
 */
export async function retentionReport(
  db: Kysely<ArtifactCatalogDb>,
  policy: RetentionPolicy,
  at: Date,
): Promise<ReportItem[]> {
  const rows = await db
    .selectFrom('artifact.artifacts')
    .selectAll()
    .where('swept_at', 'is', null)
    .where('storage', '=', 'internal')
    .orderBy('registered_at')
    .orderBy('artifact_id')
    .execute();
  return rows.map((row) => {
    const decision = retentionOf(
      {
        registeredAt: new Date(row.registered_at),
        stability: row.stability,
        auditClass: row.audit_class,
        stages: row.stages,
      },
      policy,
      at,
    );
    return {
      artifactId: row.artifact_id,
      name: row.name,
      version: row.version,
      sha256: row.sha256,
      rule: decision.rule,
      reason: decision.reason,
      retainedUntil: decision.retainedUntil.toISOString(),
      action: !decision.expired ? 'keep' : row.legal_hold ? 'held' : 'delete',
      legalHold: row.legal_hold,
    };
  });
}
