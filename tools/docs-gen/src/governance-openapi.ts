import { createMemoryEventStore } from '@railyard/eventstore';
import { buildGovernanceApp } from '@railyard/governance/app';
import { createLogger } from '@railyard/service-kit';
import pg from 'pg';

/** The governance service's OpenAPI document, from the app itself over an in-memory store and an unopened pool. */
export async function governanceOpenApi(): Promise<Record<string, unknown>> {
  // A pool connects only when queried; building the document queries nothing.
  const pool = new pg.Pool({ max: 1 });
  const app = await buildGovernanceApp({
    store: createMemoryEventStore(),
    pool,
    auth: {},
    logger: createLogger({ name: 'governance', level: 'silent' }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}
