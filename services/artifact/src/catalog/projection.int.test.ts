import {
  ArtifactOverwriteRefused,
  ArtifactPromoted,
  ArtifactRegistered,
  ArtifactSigned,
  LegalHoldPlaced,
  streamName,
} from '@railyard/contracts';
import { watchPoolErrors } from '@railyard/eventstore';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { createTestDatabase, event, projectionSpecification, type TestDatabase } from '@railyard/testing';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { artifactMigrations } from '../../migrations/index.js';
import { type ArtifactCatalogDb, artifactCatalogProjection } from './projection.js';

const artifactId = '0193a000-0000-7000-8000-0000000000a1';
const sha = 'ab'.repeat(32);
const other = 'cd'.repeat(32);
const stream = streamName('artifact', artifactId);
const registered = event(ArtifactRegistered, {
  artifactId,
  name: 'payments-api',
  kind: 'service',
  version: '1.4.0',
  sha256: sha,
  size: 1024,
  storage: 'internal',
  stability: 'release',
  auditClass: 'regulated',
});

describe('artifact-catalog projection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<ArtifactCatalogDb>;
  beforeAll(async () => {
    database = await createTestDatabase('artifactCatalog');
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    watchPoolErrors(pool, () => {});
    db = createDb<ArtifactCatalogDb>(pool);
    await migrateSchema(db, { schema: 'artifact', migrations: artifactMigrations });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('one row per version: signed, promoted, held, overwrite attempts counted once each', async () => {
    await projectionSpecification(db, artifactCatalogProjection, () =>
      db
        .selectFrom('artifact.artifacts')
        .select(['artifact_id', 'name', 'version', 'size', 'stages', 'signed', 'legal_hold', 'overwrite_attempts'])
        .execute(),
    )
      .given(
        stream,
        registered,
        event(ArtifactOverwriteRefused, {
          artifactId,
          name: 'payments-api',
          version: '1.4.0',
          existingSha256: sha,
          attemptedSha256: other,
        }),
        event(ArtifactSigned, {
          artifactId,
          sha256: sha,
          keyId: '0193a000-0000-7000-8000-0000000000c1',
          algorithm: 'ed25519',
          signature: 'c2ln',
        }),
        event(ArtifactPromoted, {
          artifactId,
          name: 'payments-api',
          version: '1.4.0',
          sha256: sha,
          stage: 'staging',
          rulesChecked: ['licenses'],
        }),
        event(LegalHoldPlaced, { artifactId, reason: 'Audit 2026-17' }),
      )
      .then([
        {
          artifact_id: artifactId,
          name: 'payments-api',
          version: '1.4.0',
          size: '1024',
          stages: ['staging'],
          signed: true,
          legal_hold: 'Audit 2026-17',
          overwrite_attempts: 1,
        },
      ]);
  });

  it('promotions: one row per artifact and stage', async () => {
    await projectionSpecification(db, artifactCatalogProjection, () =>
      db.selectFrom('artifact.promotions').select(['artifact_id', 'stage', 'promoted_by']).orderBy('stage').execute(),
    )
      .given(
        stream,
        registered,
        ...['dev', 'staging'].map((stage) =>
          event(ArtifactPromoted, {
            artifactId,
            name: 'payments-api',
            version: '1.4.0',
            sha256: sha,
            stage,
            rulesChecked: [],
          }),
        ),
      )
      .then([
        { artifact_id: artifactId, stage: 'dev', promoted_by: 'specification' },
        { artifact_id: artifactId, stage: 'staging', promoted_by: 'specification' },
      ]);
  });
});
