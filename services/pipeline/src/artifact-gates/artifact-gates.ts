import type { Kysely } from 'kysely';

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

/** What the gate read model knows of name@version, or undefined when no event about it has arrived. */
export async function artifactGatesOf(db: Kysely<PipelineDb>, name: string, version: string) {
  return db
    .selectFrom('pipeline.artifact_gates')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
}
