import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestInfra {
  /** Admin connection URL of the Postgres server (a database tests may CREATE DATABASE from). */
  databaseUrl: string;
  natsUrl: string;
  /** Where each one came from, for the test output. */
  source: { postgres: 'env' | 'container'; nats: 'env' | 'container' };
}

let infraPromise: Promise<TestInfra> | undefined;

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(needPostgres: boolean, needNats: boolean) {
  // Imported lazily: testcontainers is only touched where a Docker engine exists.
  const { GenericContainer, Wait } = await import('testcontainers');
  let databaseUrl: string | undefined;
  let natsUrl: string | undefined;
  if (needPostgres) {
    const c = await new GenericContainer('postgres:17')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    databaseUrl = `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/postgres`;
  }
  if (needNats) {
    const c = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).start();
    natsUrl = `nats://${c.getHost()}:${c.getMappedPort(4222)}`;
  }
  return { databaseUrl, natsUrl };
}

/**
 * The Postgres and NATS that tests run against: `DATABASE_URL` / `NATS_URL` when set, else containers where a
 * Docker engine exists, else a clear failure naming what is missing. Resolved once per test file.
 */
export function testInfra(): Promise<TestInfra> {
  infraPromise ??= (async () => {
    let databaseUrl = process.env.DATABASE_URL;
    let natsUrl = process.env.NATS_URL;
    const source: TestInfra['source'] = { postgres: 'env', nats: 'env' };
    if (!databaseUrl || !natsUrl) {
      if (!dockerAvailable()) {
        const missing = [!databaseUrl && 'DATABASE_URL', !natsUrl && 'NATS_URL'].filter(Boolean).join(' and ');
        throw new Error(
          `Integration tests need Postgres and NATS JetStream: set ${missing} (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222), or run where a Docker engine is available so testcontainers can start them.`,
        );
      }
      const started = await startContainers(!databaseUrl, !natsUrl);
      if (!databaseUrl) {
        databaseUrl = started.databaseUrl!;
        source.postgres = 'container';
      }
      if (!natsUrl) {
        natsUrl = started.natsUrl!;
        source.nats = 'container';
      }
    }
    return { databaseUrl, natsUrl, source };
  })();
  return infraPromise;
}

/** A short random suffix, safe in database names, schema names and NATS subjects. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, empty database for one test file (`rytest_<label>_<random>`), dropped by `drop()`.
 * Test files run in parallel without seeing each other's tables or events.
 */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const { databaseUrl } = await testInfra();
  const safe =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 20) || 't';
  const name = `rytest_${safe}_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(databaseUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A subject prefix of its own for one test file, so its JetStream stream and subjects collide with no one's. */
export function testSubjectPrefix(label = 't'): string {
  const safe =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12) || 't';
  return `rytest_${safe}_${uniqueSuffix()}`;
}
