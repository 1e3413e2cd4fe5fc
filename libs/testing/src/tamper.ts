import pg from 'pg';

/**
 * Changes an append-only table the way only an attacker with superuser rights could: switches its user
 * triggers off, runs the statement, and restores each trigger exactly as it was — all in one transaction.
 * For tests of tamper *detection*; nothing in Railyard does this.
 */
export async function tamperAsSuperuser(
  connectionString: string,
  table: string,
  statement: string,
  params: unknown[] = [],
): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ tgname: string; tgenabled: string }>(
      'SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal',
      [table],
    );
    await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query(statement, params);
    const mode: Record<string, string> = { O: 'ENABLE', A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA', D: 'DISABLE' };
    for (const t of rows)
      await client.query(`ALTER TABLE ${table} ${mode[t.tgenabled] ?? 'ENABLE'} TRIGGER ${t.tgname}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
