import { randomUUID } from 'node:crypto';
import { deploymentEvents, type EventCatalogue, releaseEvents } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import { createTestDatabase, type HttpSpecification, httpSpecification, specMetadata } from '@railyard/testing';
import pg from 'pg';
import { foldDeploymentFact } from '../inputs/deployment-facts.js';
import { foldReleaseFact } from '../inputs/release-facts.js';
import { execOfPg, type Fold } from '../reporting/fact-event.js';
import { startGovernanceRuntime } from '../runtime.js';
import type { HistoryEvent } from './governance-fixture.js';

const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const FOLDS: Record<string, { fold: Fold; catalogue: EventCatalogue }> = {
  deployment: { fold: foldDeploymentFact, catalogue: deploymentEvents as unknown as EventCatalogue },
  release: { fold: foldReleaseFact, catalogue: releaseEvents as unknown as EventCatalogue },
};

export interface GovernanceSpecFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  /** A specification against this service (given events in governance's streams, when a request, then …). */
  spec(): HttpSpecification;
  /** A bearer header for a user with these roles. */
  as(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /**
   * Other services' events as governance's consumers fold them into the reporting facts (the same folds, run
   * directly: these specifications run without the bus, so nothing is appended behind their back).
   */
  facts(events: readonly HistoryEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Governance without NATS (no relay, no consumers), its clock stopped at `now`, for the slices' specifications. */
export async function startGovernanceSpecs(label: string, now: () => Date): Promise<GovernanceSpecFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20, poolSize: 4 });
  await store.ready();
  // The runtime holds one connection per single-active lease (4 projections, 3 schedulers) for as long as it runs: a
  // pool smaller than that leaves it waiting at start. 12 leaves room for the requests.
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  watchPoolErrors(pool, () => {});
  const runtime = await startGovernanceRuntime({
    store,
    pool,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'governance', level: 'silent' }),
    sealIntervalMs: false,
    now,
  });
  return {
    app: runtime.app,
    store,
    pool,
    spec: () => httpSpecification({ app: runtime.app, store }),
    as: async (sub, roles) => ({ authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` }),
    async facts(events) {
      const client = await pool.connect();
      try {
        for (const e of events) {
          const { fold, catalogue } = FOLDS[e.stream.slice(0, e.stream.indexOf('-'))]!;
          const data = catalogue[e.type]!.schema.parse(e.data) as Record<string, unknown>;
          const metadata = specMetadata(new Date(e.at));
          const outcome = await fold(execOfPg(client), {
            id: randomUUID(),
            type: e.type,
            streamId: e.stream,
            data,
            metadata,
            createdAt: new Date(e.at),
          });
          if (outcome !== 'applied') throw new TypeError(`${e.type} was not applied`);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await runtime.close();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}

/** A deployment of ledger to production (orchestration's subject fields). */
export const deploymentSubject = (deploymentId: string, releaseId: string | null = null) => ({
  deploymentId,
  runId: randomUUID(),
  stage: 2,
  releaseId,
  planId: null,
  service: 'ledger',
  environment: 'ledger-prod',
  environmentTier: 'prod',
  artifact: { name: 'ledger', version: '3.1.0', sha256: 'b'.repeat(64) },
});
