import type { PostgresEventStore } from '@railyard/eventstore';
import { releaseListProjection } from '@railyard/planning/projections';
import { type AnyDb, createDb, type RebuildResult, rebuildProjection } from '@railyard/readmodels';
import { absoluteFigure, type Figure, ratioFigure } from './report.js';
import { releaseHistory } from './sample-events.js';

// Each seeded release: ReleasePlanned then 7 ScopeItemAdded, so the rebuild does inserts and updates.
const SCOPE_ITEMS_PER_RELEASE = 7;

async function countReleaseEvents(store: PostgresEventStore): Promise<number> {
  const { rows } = await store.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${store.schema}.events WHERE category = 'release'`,
  );
  return Number(rows[0]!.n);
}

/** Appends release histories until the store holds at least `minEvents` release events; returns the count. */
async function seedReleases(store: PostgresEventStore, minEvents: number): Promise<number> {
  let missing = minEvents - (await countReleaseEvents(store));
  if (missing > 0) {
    const perRelease = SCOPE_ITEMS_PER_RELEASE + 1;
    let releases = Math.ceil(missing / perRelease);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (releases-- > 0) {
          const { releaseId, events } = releaseHistory(SCOPE_ITEMS_PER_RELEASE);
          await store.append(`release-${releaseId}`, events, 'noStream');
        }
      }),
    );
    missing = minEvents - (await countReleaseEvents(store));
    if (missing > 0) throw new Error(`seeding left the store ${missing} release events short of ${minEvents}`);
  }
  return countReleaseEvents(store);
}

/**
 * Figure (f): rebuildProjection of the planning release list over ≥ `minEvents` release events (those the HTTP
 * figures wrote, topped up with seeded releases), best of `rounds`, against the raw batched insert rate.
 */
export async function measureRebuild(options: {
  store: PostgresEventStore;
  databaseUrl: string;
  rawBatchedRowsPerSecond: number;
  minEvents: number;
  rounds: number;
}): Promise<{ figures: Figure[]; events: number }> {
  const { store } = options;
  const total = await seedReleases(store, options.minEvents);
  const db: AnyDb = createDb(options.databaseUrl, { maxConnections: 4, applicationName: 'railyard-bench-rebuild' });
  try {
    let best: RebuildResult | undefined;
    for (let round = 0; round < options.rounds; round++) {
      const result = await rebuildProjection({
        store,
        db,
        ...releaseListProjection,
      });
      if (result.events !== total) {
        throw new Error(`the rebuild replayed ${result.events} events, the store holds ${total} release events`);
      }
      if (!best || result.ms < best.ms) best = result;
    }
    // A rebuild that is fast but wrong is worth nothing: one row per planned release.
    const { rows } = await store.pool.query<{ planned: string; listed: string }>(
      `SELECT (SELECT count(*) FROM ${store.schema}.events WHERE type = 'ReleasePlanned') AS planned,
              (SELECT count(*) FROM planning.release_list) AS listed`,
    );
    if (rows[0]!.planned !== rows[0]!.listed) {
      throw new Error(`rebuilt release list has ${rows[0]!.listed} rows for ${rows[0]!.planned} planned releases`);
    }
    const rate = best!.events / (best!.ms / 1000);
    return {
      events: total,
      figures: [
        ratioFigure(
          `(f) projection rebuild, ${total.toLocaleString('en-US')} events`,
          rate,
          'events/s',
          options.rawBatchedRowsPerSecond,
          0.3,
        ),
        absoluteFigure('(f) projection rebuild, absolute', rate, 'events/s', 5000, true),
      ],
    };
  } finally {
    await db.destroy();
  }
}
