import { type Kysely, sql } from 'kysely';

export interface ArtifactGatesTable {
  artifact_id: string;
  name: string;
  version: string;
  sha256: string;
  static_analysis: { tool: string; critical: number; high: number; medium: number; low: number; info: number } | null;
  vulnerabilities: { tool: string; critical: number; high: number; medium: number; low: number } | null;
  signed: boolean;
  promoted_to: string[];
  last_event_id: string;
  updated_at: Date;
}
export interface PipelineDb {
  'pipeline.artifact_gates': ArtifactGatesTable;
}

/**
 * A version's identity as the artifact service resolves it: SemVer 2.0 precedence ignores build metadata (everything
 * after the first `+`), so `2.3.1`, `2.3.1+build.88` and `2.3.1+build.89` name one artifact, registered once under
 * the version it was published with. Only the split is needed here: the registry stores canonical versions only.
 */
export const versionIdentity = (version: string): string => version.split('+', 1)[0] as string;

/**
 * What the gate read model knows of name@version (the version resolved as the registry does), or undefined when no
 * event about it has arrived. The row carries the version as registered.
 */
export async function artifactGatesOf(db: Kysely<PipelineDb>, name: string, version: string) {
  return db
    .selectFrom('pipeline.artifact_gates')
    .selectAll()
    .where('name', '=', name)
    .where(sql<string>`split_part(version, '+', 1)`, '=', versionIdentity(version))
    .executeTakeFirst();
}
