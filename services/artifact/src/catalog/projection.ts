import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import { sql, type Transaction } from 'kysely';

/** Table `artifact.artifacts`: one row per artifact version, for lists, search and the retention report. */
export interface ArtifactRow {
  artifact_id: string;
  name: string;
  kind: string;
  version: string;
  sha256: string;
  size: string | null;
  storage: string;
  uri: string | null;
  source_commit: string | null;
  repository: string | null;
  pipeline_run: string | null;
  stability: 'release' | 'snapshot';
  audit_class: 'standard' | 'regulated';
  registered_at: Date;
  stages: string[];
  signed: boolean;
  legal_hold: string | null;
  overwrite_attempts: number;
  swept_at: Date | null;
  swept_rule: string | null;
  last_event_id: string;
  last_position: string;
}
/** Table `artifact.promotions`: one row per artifact and stage it reached (promotion status per stage). */
export interface PromotionRow {
  artifact_id: string;
  stage: string;
  name: string;
  version: string;
  sha256: string;
  promoted_at: Date;
  promoted_by: string;
}
export interface ArtifactCatalogDb {
  'artifact.artifacts': ArtifactRow;
  'artifact.promotions': PromotionRow;
}

export const ARTIFACT_CATALOG = 'artifact-catalog';

/** Applies one artifact event to the catalog tables, inside the runner's checkpoint transaction. */
export const projectArtifactCatalog: ProjectFn = async (anyTrx, event: RecordedEvent) => {
  const trx = anyTrx as Transaction<ArtifactCatalogDb>;
  const d = event.data as Record<string, unknown> & { artifactId: string };
  const touched = { last_event_id: event.id, last_position: event.position.toString() };
  const update = (set: Partial<ArtifactRow>) =>
    trx
      .updateTable('artifact.artifacts')
      .set({ ...set, ...touched })
      .where('artifact_id', '=', d.artifactId)
      // An event the row has already folded (a replay over a lost checkpoint) changes nothing: no second count.
      .where('last_position', '<', touched.last_position)
      .execute();
  switch (event.type) {
    case 'ArtifactRegistered':
      await trx
        .insertInto('artifact.artifacts')
        .values({
          artifact_id: d.artifactId,
          name: d.name as string,
          kind: d.kind as string,
          version: d.version as string,
          sha256: d.sha256 as string,
          size: d.size === undefined ? null : String(d.size),
          storage: d.storage as string,
          uri: (d.uri as string | undefined) ?? null,
          source_commit: (d.sourceCommit as string | undefined) ?? null,
          repository: (d.repository as string | undefined) ?? null,
          pipeline_run: (d.pipelineRun as string | undefined) ?? null,
          stability: d.stability as ArtifactRow['stability'],
          audit_class: d.auditClass as ArtifactRow['audit_class'],
          registered_at: new Date(event.metadata.occurredAt),
          stages: [],
          signed: false,
          legal_hold: null,
          overwrite_attempts: 0,
          swept_at: null,
          swept_rule: null,
          ...touched,
        })
        .onConflict((oc) => oc.column('artifact_id').doNothing())
        .execute();
      return;
    case 'ArtifactOverwriteRefused':
      await update({ overwrite_attempts: sql<number>`overwrite_attempts + 1` as unknown as number });
      return;
    case 'ArtifactSigned':
      await update({ signed: true });
      return;
    case 'ArtifactPromoted':
      await update({ stages: sql<string[]>`array_append(stages, ${d.stage as string})` as unknown as string[] });
      await trx
        .insertInto('artifact.promotions')
        .values({
          artifact_id: d.artifactId,
          stage: d.stage as string,
          name: d.name as string,
          version: d.version as string,
          sha256: d.sha256 as string,
          promoted_at: new Date(event.metadata.occurredAt),
          promoted_by: event.metadata.actor.id,
        })
        .onConflict((oc) => oc.columns(['artifact_id', 'stage']).doNothing())
        .execute();
      return;
    case 'LegalHoldPlaced':
      await update({ legal_hold: d.reason as string });
      return;
    case 'LegalHoldReleased':
      await update({ legal_hold: null });
      return;
    case 'ArtifactSwept':
      await update({ swept_at: new Date(event.metadata.occurredAt), swept_rule: d.rule as string });
      return;
    default:
      return;
  }
};

/** Empties the projection's tables before a rebuild. */
export async function resetArtifactCatalog(anyTrx: unknown): Promise<void> {
  const trx = anyTrx as Transaction<ArtifactCatalogDb>;
  await trx.deleteFrom('artifact.promotions').execute();
  await trx.deleteFrom('artifact.artifacts').execute();
}

/** Everything a runner, a rebuild or a tool needs to run this projection. */
export const artifactCatalogProjection = {
  name: ARTIFACT_CATALOG,
  schema: 'artifact',
  filter: { categories: ['artifact'] },
  project: projectArtifactCatalog,
  reset: resetArtifactCatalog,
} as const;
