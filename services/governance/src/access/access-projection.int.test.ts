import {
  AccessReviewClosed,
  accessReviewStream,
  EnvironmentRegistered,
  GrantRevoked,
  grantStream,
} from '@railyard/contracts';
import { watchPoolErrors } from '@railyard/eventstore';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { createTestDatabase, event, projectionSpecification, type TestDatabase } from '@railyard/testing';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { governanceMigrations } from '../../migrations/index.js';
import { accessProjection } from './access-projection.js';
import { grantIssued, hoursAfter, T0 } from './test-support/access-fixture.js';
import { campaignOpened, reviewItem } from './test-support/campaign-history.js';

describe('access projection', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createTestDatabase('accessProjection');
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    watchPoolErrors(pool, () => {});
    db = createDb(pool);
    await migrateSchema(db, { schema: 'governance', migrations: governanceMigrations });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  const g1 = '0193a000-0000-7000-8000-0000000000a1';
  const g2 = '0193a000-0000-7000-8000-0000000000a2';
  const campaignId = '0193a000-0000-7000-8000-0000000000c1';

  it("keeps governance's grants in the kit's ledger: issued, scope, expiry, the first revocation", async () => {
    const revoked = (at: Date) =>
      event(
        GrantRevoked,
        {
          grantId: g1,
          principal: 'alice',
          privilege: 'deploy',
          scope: { environment: 'checkout-prod' },
          revokedBy: 'admin-1',
          revokedAt: at.toISOString(),
          reason: 'left',
          campaignId: null,
        },
        { at },
      );
    await projectionSpecification(
      db,
      accessProjection,
      async () =>
        (
          await sql<Record<string, unknown>>`SELECT grant_id, principal, privilege, environment, tier, issued_at,
          expires_at, revoked_at FROM governance.grant_ledger ORDER BY grant_id`.execute(db)
        ).rows,
    )
      .given(grantStream(g1), grantIssued(g1, 'alice'), revoked(hoursAfter(2)), revoked(hoursAfter(3)))
      .given(grantStream(g2), grantIssued(g2, 'bob', { scope: { tier: 'prod' }, expiresAt: hoursAfter(5) }))
      // Not the projection's: orchestration's environments reach the ledger through the consumer only.
      .given(
        'environment-checkout-prod',
        event(EnvironmentRegistered, {
          name: 'checkout-prod',
          service: 'checkout',
          tier: 'prod',
          region: 'eu',
          iac: { template: 't', version: '1', parameters: {}, parametersSha256: 'b'.repeat(64) },
          driftIgnore: [],
          ttlMinutes: null,
          expiresAt: null,
          recreate: null,
          registeredAt: T0.toISOString(),
          registeredBy: 'platform',
        }),
      )
      .then([
        {
          grant_id: g1,
          principal: 'alice',
          privilege: 'deploy',
          environment: 'checkout-prod',
          tier: null,
          issued_at: T0,
          expires_at: null,
          revoked_at: hoursAfter(2),
        },
        {
          grant_id: g2,
          principal: 'bob',
          privilege: 'deploy',
          environment: null,
          tier: 'prod',
          issued_at: T0,
          expires_at: hoursAfter(5),
          revoked_at: null,
        },
      ]);
  });

  it('keeps each campaign with its due date until it closes', async () => {
    await projectionSpecification(
      db,
      accessProjection,
      async () =>
        (
          await sql<Record<string, unknown>>`SELECT campaign_id, due_at, closed_at FROM governance.access_reviews
          ORDER BY campaign_id`.execute(db)
        ).rows,
    )
      .given(
        accessReviewStream(campaignId),
        campaignOpened(campaignId, [reviewItem(g1, 'alice')], hoursAfter(24)),
        event(AccessReviewClosed, {
          campaignId,
          closedBy: 'governance',
          closedAt: hoursAfter(25).toISOString(),
          tally: { kept: 0, revoked: 0, undecidedKept: 0, undecidedRevoked: 1 },
          revokedGrantIds: [g1],
        }),
      )
      .then([{ campaign_id: campaignId, due_at: hoursAfter(24), closed_at: hoursAfter(25) }]);
  });
});
