import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { streamName } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { type App, createLogger, hashApiKey, signDevToken } from '@railyard/service-kit';
import {
  createTestDatabase,
  type GrantToIssue,
  issueTestGrant,
  revokeTestGrant,
  testInfra,
  testSubjectPrefix,
  waitFor,
} from '@railyard/testing';
import pg from 'pg';
import { DEFAULT_PERFORMANCE_THRESHOLDS } from '../config.js';
import { type PipelineRuntime, startPipelineRuntime } from '../runtime.js';
import { DEFAULT_STRATEGY_POLICY } from '../strategy/domain/strategy.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';
/** The API key of the CI system `ci-jenkins` (role deployer): executors use their own credentials. */
export const CI_KEY = 'ci-jenkins-test-api-key-0123456789';
export const ciHeaders = { authorization: `ApiKey ${CI_KEY}` };

export interface PipelineFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: PipelineRuntime;
  nc: NatsConnection;
  /** This file's subject prefix and the JetStream stream capturing it. */
  bus: { prefix: string; stream: string };
  /** The clock the app reads; tests move it to cross expiries. */
  clock: { now: Date };
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /**
   * Publishes artifact events as the artifact service would: appended to `artifact-<id>` with the artifact
   * catalogue's shapes, then carried to NATS by a relay for service `artifact` under this file's prefix.
   */
  publishArtifact(a: { name: string; version: string; sha256: string; signed?: boolean }): Promise<string>;
  /**
   * Issues a grant as governance does (GrantIssued on `grant-<id>`, relayed to NATS under this file's prefix) and
   * waits until pipeline's ledger (`pipeline--grants`) has learnt it. Returns the grant id.
   */
  grant(g: GrantToIssue): Promise<string>;
  /** Revokes a grant issued by `grant` and waits until the ledger has learnt it. */
  revoke(
    grantId: string,
    g: Pick<GrantToIssue, 'principal' | 'privilege' | 'scope'> & { revokedAt: string; campaignId?: string | null },
  ): Promise<void>;
  /** Polls the gate read model until `probe` holds (deadline, no sleeps beyond the poll interval). */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const system = { id: 'artifact-service', kind: 'system' as const, roles: ['developer'] };

/** The pipeline service wired by the same runtime main() uses, on a fresh database and its own bus prefix. */
export async function startPipeline(label: string): Promise<PipelineFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  // Connections die when a test terminates backends or drops the database, idle or held by a projection or
  // relay still stopping: expected here, and it must not take the test worker down with it.
  watchPoolErrors(pool, () => {});
  const { natsUrl } = await testInfra();
  const nc: NatsConnection = await connect({ servers: natsUrl });
  const prefix = testSubjectPrefix(label);
  const jsm = await jetstreamManager(nc);
  const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
  const clock = { now: new Date('2026-11-26T09:00:00Z') };
  const runtime = await startPipelineRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth: { secret: TEST_SECRET, apiKeys: [{ id: 'ci-jenkins', roles: ['deployer'], sha256: hashApiKey(CI_KEY) }] },
    logger: createLogger({ name: 'pipeline', level: 'silent' }),
    sealIntervalMs: false,
    policies: {
      strategies: DEFAULT_STRATEGY_POLICY,
      performance: { environments: ['prod'], thresholds: DEFAULT_PERFORMANCE_THRESHOLDS },
      signatureRequiredIn: ['prod'],
    },
    now: () => clock.now,
  });
  // The artifact service's relay, as it runs in its own process: the store here stands in for its store.
  const artifactRelay: Relay = createRelay({
    store,
    js: jetstream(nc),
    pool,
    service: 'artifact',
    subjectPrefix: prefix,
    lockPollMs: 50,
  });
  await artifactRelay.start();
  // Governance's relay: grants reach pipeline's ledger over NATS as they do in production.
  const governanceRelay: Relay = createRelay({
    store,
    js: jetstream(nc),
    pool,
    service: 'governance',
    subjectPrefix: prefix,
    lockPollMs: 50,
  });
  await governanceRelay.start();

  const until: PipelineFixture['until'] = (what, probe, timeoutMs = 10_000) => waitFor(what, probe, { timeoutMs });

  return {
    app: runtime.app,
    store,
    pool,
    runtime,
    nc,
    bus: { prefix, stream: streams.stream },
    clock,
    until,
    async grant(g) {
      const grantId = await issueTestGrant(store, g);
      await until(`grant ${grantId} in the ledger`, async () => {
        const { rowCount } = await pool.query('SELECT 1 FROM pipeline.grant_ledger WHERE grant_id = $1', [grantId]);
        return rowCount ? true : undefined;
      });
      return grantId;
    },
    async revoke(grantId, g) {
      await revokeTestGrant(store, grantId, g);
      await until(`grant ${grantId} revoked in the ledger`, async () => {
        const { rowCount } = await pool.query(
          'SELECT 1 FROM pipeline.grant_ledger WHERE grant_id = $1 AND revoked_at IS NOT NULL',
          [grantId],
        );
        return rowCount ? true : undefined;
      });
    },
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async publishArtifact({ name, version, sha256, signed }) {
      const artifactId = randomUUID();
      const metadata = {
        occurredAt: new Date().toISOString(),
        actor: system,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        schemaVersion: 1,
      };
      const events = [
        {
          type: 'ArtifactRegistered',
          data: {
            artifactId,
            name,
            kind: 'service',
            version,
            sha256,
            size: 10,
            storage: 'internal',
            stability: 'release',
            auditClass: 'standard',
          },
        },
        {
          type: 'StaticAnalysisAttached',
          data: { artifactId, tool: 'semgrep', findings: { critical: 0, high: 1, medium: 2, low: 0, info: 0 } },
        },
        ...(signed
          ? [
              {
                type: 'ArtifactSigned',
                data: { artifactId, sha256, keyId: randomUUID(), algorithm: 'ed25519', signature: 'c2ln' },
              },
            ]
          : []),
      ];
      await store.append(
        streamName('artifact', artifactId),
        events.map((e) => ({ id: randomUUID(), ...e, metadata })),
        'noStream',
      );
      return artifactId;
    },
    async close() {
      await artifactRelay.stop();
      await governanceRelay.stop();
      await runtime.close();
      await jsm.streams.delete(streams.stream).catch(() => {});
      await jsm.streams.delete(streams.deadLetterStream).catch(() => {});
      await nc.drain();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
