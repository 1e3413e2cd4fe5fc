import { randomUUID } from 'node:crypto';
import {
  RetrospectiveActionAdded,
  RetrospectiveActionCompleted,
  RetrospectiveFeedbackAdded,
  RetrospectiveItemAdopted,
  retrospectiveStream,
} from '@railyard/contracts';
import { watchPoolErrors } from '@railyard/eventstore';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { createTestDatabase, event, projectionSpecification, type TestDatabase } from '@railyard/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { governanceMigrations } from '../../../migrations/index.js';
import { retrospectiveActionsProjection } from './projection.js';

const retrospectiveId = randomUUID();
const [a1, a2, f1] = [randomUUID(), randomUUID(), randomUUID()];
const stream = retrospectiveStream(retrospectiveId);
const added = (actionId: string, dueDate: string) =>
  event(RetrospectiveActionAdded, {
    retrospectiveId,
    actionId,
    description: `do ${dueDate}`,
    owner: 'dev',
    dueDate,
    addedBy: 'sre',
  });

describe('retrospective-actions projection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase('govRetroActions');
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    watchPoolErrors(pool, () => {});
    db = createDb<unknown>(pool);
    await migrateSchema(db, { schema: 'governance', migrations: governanceMigrations });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('one row per action: completed, adopted; feedback makes no row', async () => {
    await projectionSpecification(
      db,
      retrospectiveActionsProjection,
      async () =>
        (
          await sql<Record<string, unknown>>`SELECT action_id, to_char(due_date, 'YYYY-MM-DD') AS due_date, status,
            completed_at IS NOT NULL AS completed, adopted_policy, adopted_version
          FROM governance.retrospective_actions ORDER BY due_date`.execute(db)
        ).rows,
    )
      .given(
        stream,
        added(a1, '2026-11-09'),
        added(a2, '2026-11-20'),
        event(RetrospectiveFeedbackAdded, {
          retrospectiveId,
          feedbackId: f1,
          source: 'support',
          description: 'slow',
          submittedBy: 'sup',
        }),
        event(RetrospectiveActionCompleted, {
          retrospectiveId,
          actionId: a1,
          completedBy: 'dev',
          completedAt: '2026-11-05T10:00:00Z',
          note: 'ok',
        }),
        event(RetrospectiveItemAdopted, {
          retrospectiveId,
          itemId: a2,
          check: 'rehearsal',
          policyName: 'standard',
          policyVersion: 3,
          adoptedBy: 'rm',
        }),
        event(RetrospectiveItemAdopted, {
          retrospectiveId,
          itemId: f1,
          check: 'runbook',
          policyName: 'standard',
          policyVersion: 4,
          adoptedBy: 'rm',
        }),
      )
      .then([
        {
          action_id: a1,
          due_date: '2026-11-09',
          status: 'done',
          completed: true,
          adopted_policy: null,
          adopted_version: null,
        },
        {
          action_id: a2,
          due_date: '2026-11-20',
          status: 'open',
          completed: false,
          adopted_policy: 'standard',
          adopted_version: 3,
        },
      ]);
  });
});
