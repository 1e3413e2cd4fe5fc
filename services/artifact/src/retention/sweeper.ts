import { DomainError } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import type { Kysely } from 'kysely';
import { type ArtifactHandler, artifactStream } from '../artifacts/domain/artifact-identity.js';
import type { ArtifactCatalogDb } from '../catalog/projection.js';
import type { ContentStore } from '../content/content-store.js';
import type { RetentionPolicy } from './domain/retention.js';
import { retentionReport } from './retention-report.js';

export interface SweepOutcome {
  swept: { name: string; version: string; sha256: string; detail: string; contentDeleted: boolean }[];
  skipped: { name: string; version: string; sha256: string; detail: string; code: string }[];
}

export interface SweeperDeps {
  artifacts: ArtifactHandler;
  content: ContentStore;
  db: Kysely<ArtifactCatalogDb>;
  retention: RetentionPolicy;
}

/**
 * One sweep (A5): every expired artifact not under legal hold loses its content. Each deletion is decided on the
 * artifact's own stream (so a hold placed after the report was read still wins) and recorded as ArtifactSwept
 * before the blob goes; a blob shared with a live artifact stays. The events always stay. Concurrent sweepers are
 * safe: the stream's expected revision lets one record the sweep, the other finds it done.
 */
export async function sweepExpired(deps: SweeperDeps, ctx: CommandContext): Promise<SweepOutcome> {
  const { artifacts, content, db } = deps;
  const report = await retentionReport(db, deps.retention, ctx.now);
  const outcome: SweepOutcome = { swept: [], skipped: [] };
  // Idempotency and If-Match belong to the request, not to each artifact's command.
  const perArtifact: CommandContext = { ...ctx, idempotencyKey: undefined, expectedRevision: undefined };
  for (const item of report.filter((i) => i.action !== 'keep')) {
    const base = { name: item.name, version: item.version, sha256: item.sha256 };
    try {
      const result = await artifacts.handle(
        artifactStream(item.artifactId),
        {
          type: 'SweepArtifact',
          actor: ctx.actor,
          at: ctx.now,
          rule: item.rule,
          retainedUntil: new Date(item.retainedUntil),
          reason: item.reason,
        },
        perArtifact,
      );
      if (result.events.length === 0) continue; // swept by a concurrent run
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome.skipped.push({ ...base, code: error.code, detail: error.message });
      continue;
    }
    const shared = await db
      .selectFrom('artifact.artifacts')
      .select('artifact_id')
      .where('sha256', '=', item.sha256)
      .where('storage', '=', 'internal')
      .where('swept_at', 'is', null)
      .where('artifact_id', '!=', item.artifactId)
      .executeTakeFirst();
    const contentDeleted = shared ? false : await content.remove(item.sha256);
    outcome.swept.push({ ...base, contentDeleted, detail: item.reason });
  }
  return outcome;
}
