import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EnvironmentRegistered, GrantIssued, GrantRevoked, grantStream, streamName } from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore, watchPoolErrors } from '@railyard/eventstore';
import { createRelay, ensureBusStreams, type Relay } from '@railyard/messaging';
import { createDb, migrateSchema } from '@railyard/readmodels';
import {
  createTestDatabase,
  type TestDatabase,
  testInfra,
  testSubjectPrefix,
  toAppend,
  waitFor,
} from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyGrantLedgerEvent,
  findHeldGrant,
  grantLedgerConsumers,
  grantLedgerMigration,
  grantRequiredFor,
  principalsHolding,
} from './grants.js';

let database: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;

const T = (iso: string) => new Date(iso);
const issued = (grantId: string, principal: string, scope: object, issuedAt: string, expiresAt: string | null = null) =>
  GrantIssued.schema.parse({
    grantId,
    principal,
    privilege: 'deploy',
    scope,
    issuedBy: 'security-lead',
    issuedAt,
    reason: 'on-call for payments',
    expiresAt,
  });
const revoked = (grantId: string, principal: string, scope: object, revokedAt: string) =>
  GrantRevoked.schema.parse({
    grantId,
    principal,
    privilege: 'deploy',
    scope,
    revokedBy: 'security-lead',
    revokedAt,
    reason: 'left the team',
    campaignId: null,
  });
const environment = (name: string, tier: string) =>
  EnvironmentRegistered.schema.parse({
    name,
    service: 'orders',
    tier,
    region: 'eu-west-1',
    iac: { template: 'k8s', version: '1.0.0', parameters: {}, parametersSha256: 'a'.repeat(64) },
    driftIgnore: [],
    ttlMinutes: null,
    expiresAt: null,
    recreate: null,
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'platform',
  });

const A = '0190f0a0-0000-7000-8000-000000000001';
const B = '0190f0a0-0000-7000-8000-000000000002';
const C = '0190f0a0-0000-7000-8000-000000000003';
const D = '0190f0a0-0000-7000-8000-000000000004';

beforeAll(async () => {
  database = await createTestDatabase('grantledger');
  store = createPostgresEventStore({ connectionString: database.url, pollIntervalMs: 20 });
  await store.ready();
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  watchPoolErrors(pool, () => {});
  const db = createDb(pool);
  await migrateSchema(db, { schema: 'pipeline', migrations: { '0001_grants': grantLedgerMigration } });
  nc = await connect({ servers: (await testInfra()).natsUrl });
});

afterAll(async () => {
  await nc?.close();
  await pool?.end();
  await store?.close();
  await database?.drop();
});

describe('the grant ledger rule', () => {
  beforeAll(async () => {
    const apply = (id: string, type: string, data: unknown) =>
      applyGrantLedgerEvent(pool, 'pipeline', { id: crypto.randomUUID(), type, data }).then((r) => {
        expect(r, `${type} ${id}`).toBe('applied');
      });
    await apply('env', 'EnvironmentRegistered', environment('prod-eu', 'prod'));
    await apply('a', 'GrantIssued', issued(A, 'alice', { environment: 'prod-eu' }, '2026-03-01T00:00:00Z'));
    await apply('a-', 'GrantRevoked', revoked(A, 'alice', { environment: 'prod-eu' }, '2026-06-01T00:00:00Z'));
    await apply('b', 'GrantIssued', issued(B, 'bob', { tier: 'prod' }, '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z'));
    await apply('c', 'GrantIssued', issued(C, 'carol', { environment: 'staging' }, '2026-01-01T00:00:00Z'));
  });

  it('holds from issue to revocation, exclusive of the revocation instant', async () => {
    const ask = (at: string) =>
      findHeldGrant(pool, 'pipeline', { principal: 'alice', privilege: 'deploy', environment: 'prod-eu', at: T(at) });
    expect(await ask('2026-02-28T23:59:59Z')).toBeNull();
    expect((await ask('2026-03-01T00:00:00Z'))?.grantId).toBe(A);
    expect((await ask('2026-05-31T23:59:59Z'))?.grantId).toBe(A);
    expect(await ask('2026-06-01T00:00:00Z')).toBeNull();
  });

  it('covers every environment of a tier, until the expiry', async () => {
    const ask = (at: string) =>
      findHeldGrant(pool, 'pipeline', { principal: 'bob', privilege: 'deploy', environment: 'prod-eu', at: T(at) });
    expect((await ask('2026-04-15T00:00:00Z'))?.grantId).toBe(B);
    expect(await ask('2026-05-01T00:00:00Z')).toBeNull();
    // An environment whose tier is unknown is not covered by a tier grant.
    expect(
      await findHeldGrant(pool, 'pipeline', {
        principal: 'bob',
        privilege: 'deploy',
        environment: 'prod-us',
        at: T('2026-04-15T00:00:00Z'),
      }),
    ).toBeNull();
  });

  it('is specific to the privilege and the environment', async () => {
    const at = T('2026-04-15T00:00:00Z');
    expect(
      await findHeldGrant(pool, 'pipeline', { principal: 'alice', privilege: 'approve', environment: 'prod-eu', at }),
    ).toBeNull();
    expect(
      await findHeldGrant(pool, 'pipeline', { principal: 'carol', privilege: 'deploy', environment: 'prod-eu', at }),
    ).toBeNull();
  });

  it('lists who could at an instant', async () => {
    const who = async (at: string) =>
      (await principalsHolding(pool, 'pipeline', { privilege: 'deploy', environment: 'prod-eu', at: T(at) })).map(
        (g) => g.principal,
      );
    expect(await who('2026-04-15T00:00:00Z')).toEqual(['alice', 'bob']);
    expect(await who('2026-05-15T00:00:00Z')).toEqual(['alice']);
    expect(await who('2026-07-01T00:00:00Z')).toEqual([]);
  });

  it('ignores a redelivery and refuses an event that breaks its contract', async () => {
    const again = issued(A, 'alice', { environment: 'prod-eu' }, '2026-03-01T00:00:00Z');
    expect(
      await applyGrantLedgerEvent(pool, 'pipeline', { id: crypto.randomUUID(), type: 'GrantIssued', data: again }),
    ).toBe('applied');
    // Still revoked: a redelivered issue does not revive the grant.
    expect(
      await findHeldGrant(pool, 'pipeline', {
        principal: 'alice',
        privilege: 'deploy',
        environment: 'prod-eu',
        at: T('2026-07-01T00:00:00Z'),
      }),
    ).toBeNull();
    expect(
      await applyGrantLedgerEvent(pool, 'pipeline', {
        id: crypto.randomUUID(),
        type: 'GrantIssued',
        data: { grantId: D },
      }),
    ).toBe('invalid');
    expect(
      await applyGrantLedgerEvent(pool, 'pipeline', { id: crypto.randomUUID(), type: 'Unrelated', data: {} }),
    ).toBe('ignored');
  });

  it('requires a grant on prod-tier environments, and on one named prod whose tier is unknown', () => {
    expect(grantRequiredFor('prod-eu', 'prod')).toBe(true);
    expect(grantRequiredFor('prod', null)).toBe(true);
    expect(grantRequiredFor('prod', 'staging')).toBe(false);
    expect(grantRequiredFor('staging', null)).toBe(false);
  });
});

describe('the grant ledger consumers', () => {
  let relay: Relay;
  const prefix = testSubjectPrefix('grantledger');

  afterAll(async () => {
    await relay?.stop();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(prefix.toUpperCase()).catch(() => {});
    await jsm.streams.delete(`${prefix.toUpperCase()}_DLQ`).catch(() => {});
  });

  it('catch up on grants issued before the service existed, then follow new ones from the bus', async () => {
    const dave = '0190f0a0-0000-7000-8000-0000000000dd';
    await store.append(
      streamName('environment', 'orders-prod'),
      [
        toAppend({
          type: 'EnvironmentRegistered',
          definition: EnvironmentRegistered,
          data: environment('prod', 'prod'),
        }),
      ],
      'noStream',
    );
    await store.append(
      grantStream(dave),
      [
        toAppend({
          type: 'GrantIssued',
          definition: GrantIssued,
          data: issued(dave, 'dave', { tier: 'prod' }, '2026-01-01T00:00:00Z'),
        }),
      ],
      'noStream',
    );

    const jsm = await jetstreamManager(nc);
    const streams = await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() });
    await migrateSchema(createDb(pool), {
      schema: 'orchestration',
      migrations: { '0001_grants': grantLedgerMigration },
    });
    const consumers = grantLedgerConsumers({
      service: 'orchestration',
      schema: 'orchestration',
      store,
      js: jetstream(nc),
      jsm,
      pool,
      stream: streams.stream,
      subjectPrefix: prefix,
    });
    for (const c of consumers) await c.start();
    try {
      const holds = (principal: string) =>
        findHeldGrant(pool, 'orchestration', { principal, privilege: 'deploy', environment: 'prod', at: new Date() });
      await waitFor("the catch-up to learn dave's grant", async () => (await holds('dave'))?.grantId === dave, {
        timeoutMs: 15_000,
      });

      relay = createRelay({
        store,
        js: jetstream(nc),
        pool,
        subjectPrefix: prefix,
        service: 'governance',
        categories: ['grant', 'environment'],
      });
      await relay.start();
      await store.append(
        grantStream(dave),
        [
          toAppend({
            type: 'GrantRevoked',
            definition: GrantRevoked,
            data: revoked(dave, 'dave', { tier: 'prod' }, new Date(Date.now() - 1000).toISOString()),
          }),
        ],
        0n,
      );
      await waitFor('the revocation from the bus', async () => (await holds('dave')) === null, { timeoutMs: 15_000 });
    } finally {
      for (const c of consumers) await c.stop();
    }
  });
});
