import type pg from 'pg';

/**
 * Creates the `messaging` schema: relay checkpoints, the consumers' inbox and catch-up positions. Idempotent and safe to call
 * from many processes at once (CREATE ... IF NOT EXISTS alone races on the catalog, so a transaction-scoped
 * advisory lock serialises concurrent first starts).
 */
export async function ensureMessagingSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  // Held across statements: a backend dying in between rejects the next statement (which reaches the caller) instead
  // of emitting an 'error' nobody listens to, which would kill the process.
  let lost = false;
  const onLost = () => {
    lost = true;
  };
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('railyard.messaging.schema', 0))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS messaging');
    await client.query(`
      CREATE TABLE IF NOT EXISTS messaging.relay_checkpoints (
        relay_name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per (consumer, event) whose effect was committed: the exactly-once guard of durable consumers.
    await client.query(`
      CREATE TABLE IF NOT EXISTS messaging.inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    // Per durable consumer: the store position its catch-ups from the event store have handled up to.
    await client.query(`
      CREATE TABLE IF NOT EXISTS messaging.consumer_positions (
        consumer text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}
