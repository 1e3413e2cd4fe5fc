import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createPostgresEventStore,
  type EventStore,
  type PostgresEventStore,
  type RecordedEvent,
} from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
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
import { orchestrationProjections } from '../aggregates.js';
import type { DeploymentRuntimeOptions } from '../deployments/start-deployments.js';
import type { DeploymentControl } from '../rollout-ports.js';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '../runtime.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface OrchestrationFixture {
  app: App;
  store: PostgresEventStore;
  pool: pg.Pool;
  runtime: OrchestrationRuntime;
  nc: NatsConnection;
  /** This file's subject prefix and the JetStream stream capturing it. */
  bus: { prefix: string; stream: string };
  /** The clock the app and the scheduler read; tests move it instead of sleeping. */
  clock: { now: Date };
  auth(sub: string, roles: string[]): Promise<{ authorization: string }>;
  /** Requests as a user with these roles: `(await f.as('sre-sam', ['sre'])).post('/environments', body)`. */
  as(sub: string, roles: string[]): Promise<HttpClient>;
  /** The events of a stream as `[type, data]`, for exact assertions. */
  events(stream: string): Promise<Pick<RecordedEvent, 'type' | 'data'>[]>;
  /** How many events the store holds: unchanged after a refused request proves it appended nothing. */
  head(): Promise<number>;
  /** Waits until every projection has applied everything the store holds now. */
  settle(): Promise<void>;
  /**
   * Issues a grant as governance does (GrantIssued on `grant-<id>`, relayed to NATS under this file's prefix by
   * governance's relay) and waits until orchestration's ledger (`orchestration--grants`) has learnt it.
   */
  grant(g: GrantToIssue): Promise<string>;
  /** Revokes a grant issued by `grant` and waits until the ledger has learnt it. */
  revoke(
    grantId: string,
    g: Pick<GrantToIssue, 'principal' | 'privilege' | 'scope'> & { revokedAt: string; campaignId?: string | null },
  ): Promise<void>;
  /** Polls until `probe` returns a value (deadline, no sleeps beyond the poll interval). */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

type Reply = Awaited<ReturnType<App['inject']>>;
export interface HttpClient {
  get(url: string): Promise<Reply>;
  post(url: string, payload?: object): Promise<Reply>;
  put(url: string, payload?: object): Promise<Reply>;
  del(url: string): Promise<Reply>;
}

/** The orchestration service wired by the same runtime main() uses, on a fresh database and its own bus prefix. */
export async function startOrchestration(
  label: string,
  options: {
    start?: Date;
    schedulerIntervalMs?: number | false;
    deployments?: DeploymentRuntimeOptions;
    /** Plans' tests: the deployments side of the seam, built on this file's store and clock. */
    deploymentControl?: (store: EventStore, now: () => Date) => DeploymentControl;
    minuteMs?: number;
  } = {},
): Promise<OrchestrationFixture> {
  const database = await createTestDatabase(label);
  const store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  const pool = new pg.Pool({ connectionString: database.url, max: 16 });
  // Idle clients die when the database is dropped at the end; that is expected here.
  pool.on('error', () => {});
  const { natsUrl } = await testInfra();
  const nc: NatsConnection = await connect({ servers: natsUrl });
  const prefix = testSubjectPrefix(label);
  const jsm = await jetstreamManager(nc);
  const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
  const clock = { now: options.start ?? new Date('2026-12-01T09:00:00Z') };
  const runtime = await startOrchestrationRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    auth: { secret: TEST_SECRET },
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
    sealIntervalMs: false,
    now: () => clock.now,
    // Off unless a test asks for it: most files drive the scheduler by moving the clock and calling tick().
    schedulerIntervalMs: options.schedulerIntervalMs ?? false,
    busStream: streams.stream,
    // Deployments reach no agent unless a test gives one; their scheduler only runs when a test asks for it.
    deployments: options.deployments ?? {
      agentUrl: 'http://127.0.0.1:9',
      agentSecret: `whsec_${Buffer.from('no-agent-in-this-test').toString('base64')}`,
      callbackSecret: `whsec_${Buffer.from('no-agent-in-this-test').toString('base64')}`,
      callbackUrl: 'http://127.0.0.1:9/deployments/callbacks',
      intervalMs: false,
    },
    ...(options.deploymentControl ? { deploymentControl: options.deploymentControl(store, () => clock.now) } : {}),
    ...(options.minuteMs ? { minuteMs: options.minuteMs } : {}),
  });
  // Governance's relay, as it runs in its own process: grants reach orchestration's ledger over NATS.
  const governanceRelay: Relay = createRelay({
    store,
    js: jetstream(nc),
    pool,
    service: 'governance',
    subjectPrefix: prefix,
    lockPollMs: 50,
  });
  await governanceRelay.start();
  const until: OrchestrationFixture['until'] = (what, probe, timeoutMs = 10_000) => waitFor(what, probe, { timeoutMs });
  // The store's readers see an event only once no older transaction is open on the (shared) server: wait until none
  // of ours is held back, so heads and counts cover every committed event, not just the visible ones.
  const allVisible = () =>
    until('the store to show every committed event', async () => ((await store.heldBack()) === 0 ? true : undefined));
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
        const { rowCount } = await pool.query('SELECT 1 FROM orchestration.grant_ledger WHERE grant_id = $1', [
          grantId,
        ]);
        return rowCount ? true : undefined;
      });
      return grantId;
    },
    async revoke(grantId, g) {
      await revokeTestGrant(store, grantId, g);
      await until(`grant ${grantId} revoked in the ledger`, async () => {
        const { rowCount } = await pool.query(
          'SELECT 1 FROM orchestration.grant_ledger WHERE grant_id = $1 AND revoked_at IS NOT NULL',
          [grantId],
        );
        return rowCount ? true : undefined;
      });
    },
    async auth(sub, roles) {
      return { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
    },
    async as(sub, roles) {
      const headers = { authorization: `Bearer ${await signDevToken({ sub, roles, secret: TEST_SECRET })}` };
      const app = runtime.app;
      return {
        get: (url) => app.inject({ method: 'GET', url, headers }),
        post: (url, payload) => app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) }),
        put: (url, payload) => app.inject({ method: 'PUT', url, headers, ...(payload ? { payload } : {}) }),
        del: (url) => app.inject({ method: 'DELETE', url, headers }),
      };
    },
    async events(stream) {
      return (await store.readStream(stream)).map((e) => ({ type: e.type, data: e.data }));
    },
    async head() {
      // The store's readers see an event only once no older transaction is open on the (shared) server; wait until
      // none of ours is held back, so the count is every committed event, not just the visible ones.
      await until('the store to show every committed event', async () =>
        (await store.heldBack()) === 0 ? true : undefined,
      );
      return store.countAfter(0n, undefined, 1_000_000);
    },
    async settle() {
      // Events held back by an older transaction elsewhere on the shared server are not in the head yet: wait for
      // them first. A runner's checkpoint only moves over the events its filter selects: wait for the head of those.
      await allVisible();
      await Promise.all(
        orchestrationProjections.map(async (p) => {
          const runner = Object.values(runtime.runners).find((r) => r.name === p.name)!;
          await runner.waitFor(await store.headPosition(p.filter), 10_000);
        }),
      );
    },
    async close() {
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
