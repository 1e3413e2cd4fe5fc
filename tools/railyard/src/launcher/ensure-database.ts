import pg from 'pg';

/** Postgres' duplicate_database: another process created it between our check and our CREATE. */
const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database named by `databaseUrl` when it does not exist, connecting to the `postgres` database
 * of the same server (DESIGN §1: the default DATABASE_URL is created if missing). Returns whether it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name === '' || name === 'postgres') return false;
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false;
      throw error;
    }
  } finally {
    await admin.end();
  }
}
