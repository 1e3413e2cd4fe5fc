import type pg from 'pg';

/** Reads a relay's checkpoint, creating its row at 0 (the beginning of the log) on first start. */
export async function loadRelayCheckpoint(client: pg.ClientBase, relayName: string): Promise<bigint> {
  await client.query(
    'INSERT INTO messaging.relay_checkpoints (relay_name, position) VALUES ($1, 0) ON CONFLICT (relay_name) DO NOTHING',
    [relayName],
  );
  return (await readRelayCheckpoint(client, relayName)) ?? 0n;
}

/** A relay's checkpoint (last position whose publish was acknowledged), or null if it never ran. */
export async function readRelayCheckpoint(client: pg.ClientBase | pg.Pool, relayName: string): Promise<bigint | null> {
  const { rows } = await client.query<{ position: string }>(
    'SELECT position FROM messaging.relay_checkpoints WHERE relay_name = $1',
    [relayName],
  );
  return rows[0] ? BigInt(rows[0].position) : null;
}

/** Advances a relay's checkpoint; only called once every publish up to `position` is acknowledged. */
export async function writeRelayCheckpoint(client: pg.ClientBase, relayName: string, position: bigint): Promise<void> {
  await client.query('UPDATE messaging.relay_checkpoints SET position = $2, updated_at = now() WHERE relay_name = $1', [
    relayName,
    position.toString(),
  ]);
}
