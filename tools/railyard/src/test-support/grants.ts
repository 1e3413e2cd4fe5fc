import type { EventStore } from '@railyard/eventstore';
import { type GrantToIssue, issueTestGrant } from '@railyard/testing';
import type pg from 'pg';
import { until } from './release-stack.js';

/**
 * Issues grants as governance records them (GrantIssued on `grant-<id>`; a governance relay carries them to NATS) and
 * waits until every enforcing service's ledger named in `schemas` has learnt them (G2: pipeline's approvals and
 * orchestration's deployments into prod need them; a token role alone is not enough).
 */
export async function issueGrants(
  store: EventStore,
  pool: pg.Pool,
  schemas: readonly ('pipeline' | 'orchestration')[],
  grants: readonly GrantToIssue[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const g of grants) ids.push(await issueTestGrant(store, g));
  for (const schema of schemas) {
    await until(`${schema}'s grant ledger to learn ${ids.length} grant(s)`, async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.grant_ledger WHERE grant_id = ANY($1::uuid[])`,
        [ids],
      );
      return rows[0]!.n === ids.length ? true : undefined;
    });
  }
  return ids;
}
