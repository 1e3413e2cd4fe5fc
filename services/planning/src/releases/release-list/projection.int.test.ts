import { projectionSpecification } from '@railyard/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanningDb } from '../../app.js';
import { startPlanningSchema } from '../../test-support/planning-schema.js';
import {
  accepted,
  added,
  frozen,
  itemA,
  itemB,
  manager,
  planned,
  releaseId,
} from '../../test-support/release-history.js';
import { releaseEventsOf } from '../../test-support/release-spec.js';
import { releaseStream } from '../release-commands.js';
import { releaseListProjection } from './projection.js';

describe('release-list projection', () => {
  let schema: Awaited<ReturnType<typeof startPlanningSchema>>;
  let db: Kysely<PlanningDb>;
  beforeAll(async () => {
    schema = await startPlanningSchema('releaseListProjection');
    db = schema.db;
  });
  afterAll(async () => {
    await schema?.close();
  });
  const spec = () =>
    projectionSpecification(db, releaseListProjection, () =>
      db
        .selectFrom('planning.release_list')
        .select(['release_id', 'name', 'status', 'owner', 'scope_count', 'item_ids', 'accepted_ids', 'frozen_at'])
        .orderBy('release_id')
        .execute(),
    );

  it('a planned release is a draft row; accepted scope makes it scoped; the freeze fixes it', async () => {
    await spec()
      .given(
        releaseStream(releaseId),
        ...releaseEventsOf(releaseId, [planned, added(itemA, 'Fix refunds'), added(itemB, 'Search'), accepted(itemA)]),
      )
      .then([
        {
          release_id: releaseId,
          name: '2026.12',
          status: 'scoped',
          owner: manager.id,
          scope_count: 1,
          item_ids: [itemA, itemB],
          accepted_ids: [itemA],
          frozen_at: null,
        },
      ]);
    await spec()
      .given(
        releaseStream(releaseId),
        ...releaseEventsOf(releaseId, [planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen]),
      )
      .then([
        expect.objectContaining({ status: 'frozen', frozen_at: new Date('2026-11-25T18:00:00.000Z'), scope_count: 1 }),
      ]);
  });

  it('events of a release it has never seen planned leave no row', async () => {
    await spec()
      .given(releaseStream(releaseId), ...releaseEventsOf(releaseId, [added(itemA, 'Fix refunds')]))
      .then([]);
  });
});
