import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureBusStreams } from '@railyard/messaging';
import { maintenanceDatabaseUrl } from '@railyard/readmodels';
import { NATS_CLIENT_DEFAULTS } from '@railyard/service-kit';
import pg from 'pg';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** Where one bench run lives: its own database and its own NATS subjects and streams, removed by `cleanup()`. */
export interface BenchEnv {
  /** URL of the fresh `railyard_bench_<random>` database. */
  databaseUrl: string;
  databaseName: string;
  nats: NatsConnection;
  /** Subject prefix of this run (production uses `railyard`). */
  subjectPrefix: string;
  /** JetStream stream capturing `<subjectPrefix>.>` (its dead-letter stream is `<name>_DLQ`). */
  streamName: string;
  cleanup(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates the run's database (on DATABASE_URL's server, whichever database it names) and JetStream streams. */
export async function createBenchEnv(): Promise<BenchEnv> {
  // The run creates and drops its own database from the server's maintenance database: DATABASE_URL may name one
  // that does not exist yet (its default, `…/railyard`, on a fresh machine), and the bench must not need it to.
  const adminUrl = maintenanceDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const natsUrl = process.env.NATS_URL || DEFAULT_NATS_URL;
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `railyard_bench_${suffix}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${databaseName}`);
  const subjectPrefix = `rybench_${suffix}`;
  const streamName = `RYBENCH_${suffix.toUpperCase()}`;
  let nats: NatsConnection | undefined;
  try {
    nats = await connect({ servers: natsUrl, name: 'railyard-bench', ...NATS_CLIENT_DEFAULTS });
    await ensureBusStreams(await jetstreamManager(nats), { prefix: subjectPrefix, name: streamName });
  } catch (err) {
    await nats?.close();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    throw err;
  }
  const connection = nats;
  return {
    databaseUrl: withDatabase(adminUrl, databaseName),
    databaseName,
    nats: connection,
    subjectPrefix,
    streamName,
    async cleanup() {
      const problems: unknown[] = [];
      try {
        const jsm = await jetstreamManager(connection);
        for (const name of [streamName, `${streamName}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
        await connection.drain();
      } catch (err) {
        problems.push(err);
      }
      try {
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      } catch (err) {
        problems.push(err);
      }
      if (problems.length > 0) throw new AggregateError(problems, 'bench cleanup was incomplete');
    },
  };
}
