import { randomUUID } from 'node:crypto';
import { deploymentEvents, type EventCatalogue } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type HttpSpecification, httpSpecification, specMetadata } from '@railyard/testing';
import pg from 'pg';
import { governanceMigrations } from '../../migrations/index.js';
import { buildGovernanceApp } from '../app.js';
import { foldDeploymentFact } from '../inputs/deployment-facts.js';
import { execOfPg } from '../reporting/fact-event.js';
import type { HistoryEvent } from './governance-fixture.js';

const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface GovernanceAppFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  /** A specification against the app (given events in governance's streams, when a request, then …). */
  spec(): HttpSpecification;
  /** A bearer header for a user with these roles. */
  as(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /**
   * Orchestration's deployment events as governance's consumer folds them into `reporting.deployments` (the same
   * fold, run directly: nothing consumes the bus here).
   */
  deployments(events: readonly HistoryEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Governance's HTTP app alone on a migrated database, its clock at `now`: no projections, schedulers, closers,
 * relay or consumers, so nothing appends behind a specification's back and the file holds few connections.
 * For command slices that read nothing but their own streams (and the reporting facts a test folds in).
 */
export async function startGovernanceApp(label: string, now: () => Date): Promise<GovernanceAppFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20, poolSize: 2 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  watchPoolErrors(pool, () => {});
  await migrateSchema(createDb(pool), { schema: 'governance', migrations: governanceMigrations });
  const app = await buildGovernanceApp({
    store,
    pool,
    now,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'governance', level: 'silent' }),
  });
  const catalogue = deploymentEvents as unknown as EventCatalogue;
  return {
    app,
    store,
    pool,
    spec: () => httpSpecification({ app, store }),
    as: async (sub, roles) => ({ authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` }),
    async deployments(events) {
      const client = await pool.connect();
      try {
        for (const e of events) {
          const data = catalogue[e.type]!.schema.parse(e.data) as Record<string, unknown>;
          const outcome = await foldDeploymentFact(execOfPg(client), {
            id: randomUUID(),
            type: e.type,
            streamId: e.stream,
            data,
            metadata: specMetadata(new Date(e.at)),
            createdAt: new Date(e.at),
          });
          if (outcome !== 'applied') throw new TypeError(`${e.type} was not applied`);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await app.close();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
