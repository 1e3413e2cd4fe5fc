import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';

export const ANALYST_ROLE = 'railyard_analyst';

// Roles live in the cluster, not the database: several governance processes (replicas, or test files on one server)
// may run these statements at once. CREATE ROLE then races on pg_authid's unique index, and two ALTER ROLEs on one
// role fail with "tuple concurrently updated" (XX000); both are retried, and every statement is idempotent.
const RETRYABLE = new Set(['XX000', '23505', '42710', '40001', '40P01']);

async function withRetry(pool: pg.Pool, text: string, params: unknown[] = []): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(text, params);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 20) throw error;
      await delay(10 * attempt);
    }
  }
}

/**
 * The analysts' read-only role (DESIGN §4, G1): LOGIN, SELECT in `reporting` and nowhere else, including tables
 * created there later, with `default_transaction_read_only` on as a second line (PostgreSQL: GRANT, ALTER DEFAULT
 * PRIVILEGES; never pg_read_all_data). Run at every start after the migrations, as the role that owns `reporting`.
 */
export async function ensureAnalystRole(pool: pg.Pool, options: { password?: string } = {}): Promise<void> {
  await withRetry(
    pool,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ANALYST_ROLE}') THEN
         CREATE ROLE ${ANALYST_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
       END IF;
     END $$`,
  );
  if (options.password) {
    const { rows } = await pool.query<{ statement: string }>(
      `SELECT format('ALTER ROLE ${ANALYST_ROLE} WITH LOGIN PASSWORD %L', $1::text) AS statement`,
      [options.password],
    );
    await withRetry(pool, rows[0]!.statement);
  }
  const { rows } = await pool.query<{ read_only: boolean }>(
    `SELECT coalesce('default_transaction_read_only=on' = ANY(s.setconfig), false) AS read_only
     FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
     WHERE r.rolname = '${ANALYST_ROLE}'`,
  );
  if (!rows[0]?.read_only) await withRetry(pool, `ALTER ROLE ${ANALYST_ROLE} SET default_transaction_read_only = on`);
  // This database: connect, read `reporting`, nothing in `public` (PUBLIC's default USAGE there is taken back).
  await withRetry(
    pool,
    `DO $$ BEGIN
       EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${ANALYST_ROLE}', current_database());
     END $$`,
  );
  await withRetry(pool, 'REVOKE ALL ON SCHEMA public FROM PUBLIC');
  await withRetry(pool, 'REVOKE ALL ON SCHEMA reporting FROM PUBLIC');
  await withRetry(pool, `GRANT USAGE ON SCHEMA reporting TO ${ANALYST_ROLE}`);
  await withRetry(pool, `GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ${ANALYST_ROLE}`);
  // Tables and views created in `reporting` later by this role (governance's next migrations, orchestration's views
  // when it runs as the same role) are readable at once.
  await withRetry(pool, `ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO ${ANALYST_ROLE}`);
}
