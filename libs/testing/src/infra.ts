import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export interface TestInfra {
  /** Admin connection URL of the Postgres server (a database tests may CREATE DATABASE from). */
  databaseUrl: string;
  natsUrl: string;
  /** Where each one came from, for the test output. */
  source: { postgres: 'env' | 'local' | 'container'; nats: 'env' | 'local' | 'container' };
}

let infraPromise: Promise<TestInfra> | undefined;
let postgresPromise: Promise<{ url: string; source: 'env' | 'local' | 'container' }> | undefined;
let natsPromise: Promise<{ url: string; source: 'env' | 'local' | 'container' }> | undefined;

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_NATS = 'nats://127.0.0.1:4222';

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on host:port (a local service the machine already runs). */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function missing(what: string, variable: string, example: string): Error {
  return new Error(
    `Integration tests need ${what}: set ${variable} (e.g. ${variable}=${example}), run one on its default local port, or run where a Docker engine is available so testcontainers can start one.`,
  );
}

/**
 * The Postgres server tests run against: `DATABASE_URL` when set, else one listening on 127.0.0.1:5432, else a
 * container where a Docker engine exists, else a clear failure naming what is missing.
 */
export function testPostgres() {
  postgresPromise ??= (async () => {
    if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'env' as const };
    if (await reachable('127.0.0.1', 5432)) return { url: LOCAL_POSTGRES, source: 'local' as const };
    if (!dockerAvailable()) throw missing('PostgreSQL', 'DATABASE_URL', LOCAL_POSTGRES);
    // Imported lazily: testcontainers is only touched where a Docker engine exists.
    const { GenericContainer, Wait } = await import('testcontainers');
    const c = await new GenericContainer('postgres:17')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return {
      url: `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/postgres`,
      source: 'container' as const,
    };
  })();
  return postgresPromise;
}

/** The NATS server (with JetStream) tests run against, found the same way as {@link testPostgres}. */
export function testNats() {
  natsPromise ??= (async () => {
    if (process.env.NATS_URL) return { url: process.env.NATS_URL, source: 'env' as const };
    if (await reachable('127.0.0.1', 4222)) return { url: LOCAL_NATS, source: 'local' as const };
    if (!dockerAvailable()) throw missing('NATS with JetStream', 'NATS_URL', LOCAL_NATS);
    const { GenericContainer } = await import('testcontainers');
    const c = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).start();
    return { url: `nats://${c.getHost()}:${c.getMappedPort(4222)}`, source: 'container' as const };
  })();
  return natsPromise;
}

/** Both Postgres and NATS, for tests that need the whole infrastructure. */
export function testInfra(): Promise<TestInfra> {
  infraPromise ??= (async () => {
    const [postgres, nats] = await Promise.all([testPostgres(), testNats()]);
    return { databaseUrl: postgres.url, natsUrl: nats.url, source: { postgres: postgres.source, nats: nats.source } };
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
  const { url: databaseUrl } = await testPostgres();
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

let kurrentPromise: Promise<{ url: string; source: 'env' | 'container' } | { skipped: string }> | undefined;

/**
 * A KurrentDB for the event store contract suite: `KURRENTDB_URL` when set, else a container where a Docker
 * engine exists, else `{ skipped: reason }` — the suite then reports itself skipped with that reason.
 */
export function testKurrent() {
  kurrentPromise ??= (async () => {
    if (process.env.KURRENTDB_URL) return { url: process.env.KURRENTDB_URL, source: 'env' as const };
    if (!dockerAvailable()) {
      return { skipped: 'KURRENTDB_URL is not set and no Docker engine is available to start KurrentDB' };
    }
    const { GenericContainer, Wait } = await import('testcontainers');
    const c = await new GenericContainer('docker.kurrent.io/kurrent-latest/kurrentdb:latest')
      .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_MEM_DB: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .start();
    return { url: `kurrentdb://${c.getHost()}:${c.getMappedPort(2113)}?tls=false`, source: 'container' as const };
  })();
  return kurrentPromise;
}
