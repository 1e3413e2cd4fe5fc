import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  type Actor,
  ApprovalGranted,
  ApprovalRequested,
  DeploymentRequested,
  EnvironmentRegistered,
  type EventDefinition,
  environmentStream,
  GrantIssued,
  streamName,
} from '@railyard/contracts';
import { createRelay, type DurableConsumer, type Relay } from '@railyard/messaging';
import { createDb, migrateSchema } from '@railyard/readmodels';
import { grantLedgerConsumers, grantLedgerMigration } from '@railyard/service-kit/grants';
import { event, type InjectedResponse, type SpecEvent, testInfra, waitFor } from '@railyard/testing';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';

export const T0 = new Date('2026-11-02T09:00:00Z');
export const DAY = 86_400_000;
export const hoursAfter = (h: number) => new Date(T0.getTime() + h * 3_600_000);

export interface AccessFixture extends GovernanceFixture {
  /** The service clock: every command and the closer read it. */
  clock: { now: Date };
  admin: { authorization: string };
  /** Appends an event of another service as its producer would (parsed by its contract), by `actor` at `at`. */
  produce(
    stream: string,
    definition: EventDefinition,
    data: Record<string, unknown>,
    at: Date,
    actor?: string,
  ): Promise<void>;
  /** Orchestration registers an environment; resolves once governance's consumer has learnt it. */
  registerEnvironment(name: string, tier: string): Promise<void>;
  /** Pipeline's events of a run: a deployment requested by `by`, an approval granted by `by`. */
  deploymentRequested(by: string, environment: string, at: Date): Promise<string>;
  approvalGranted(by: string, environment: string, at: Date): Promise<string>;
  /** POST/GET as a principal with roles. */
  call(
    method: 'GET' | 'POST',
    url: string,
    as: { authorization: string },
    payload?: unknown,
  ): Promise<InjectedResponse>;
  close(): Promise<void>;
}

/**
 * Governance with a clock the test moves, relays for orchestration (started by the base fixture) and pipeline, and
 * helpers to produce their events. With `enforcer`, a second schema stands for an enforcing service: the kit's
 * ledger there, kept by grantLedgerConsumers from the bus like pipeline's or orchestration's own.
 */
export async function startAccess(label: string, options: { enforcer?: string } = {}): Promise<AccessFixture> {
  const clock = { now: T0 };
  const f = await startGovernance(label, { now: () => clock.now });
  const nc = await connect({ servers: (await testInfra()).natsUrl });
  const relays: Relay[] = [];
  const relay = createRelay({
    store: f.store,
    js: jetstream(nc),
    pool: f.pool,
    service: 'pipeline',
    subjectPrefix: f.bus.prefix,
    lockPollMs: 50,
  });
  await relay.start();
  relays.push(relay);
  const enforcerConsumers: DurableConsumer[] = [];
  if (options.enforcer) {
    await migrateSchema(createDb(f.pool), {
      schema: options.enforcer,
      migrations: { '0001_grant_ledger': grantLedgerMigration },
    });
    for (const c of grantLedgerConsumers({
      service: 'orchestration',
      schema: options.enforcer,
      store: f.store,
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      pool: f.pool,
      stream: f.bus.stream,
      subjectPrefix: f.bus.prefix,
    })) {
      await c.start();
      enforcerConsumers.push(c);
    }
  }

  const produce: AccessFixture['produce'] = async (stream, definition, data, at, actor = 'someone') => {
    const who: Actor = { id: actor, kind: 'user', roles: ['deployer', 'approver'] };
    await f.store.append(
      stream,
      [
        {
          id: randomUUID(),
          type: definition.type,
          data: definition.schema.parse(data) as Record<string, unknown>,
          metadata: {
            occurredAt: at.toISOString(),
            actor: who,
            correlationId: randomUUID(),
            causationId: randomUUID(),
            schemaVersion: definition.version,
          },
        },
      ],
      'any',
    );
  };
  const artifact = { name: 'checkout', version: '2.0.0', sha256: 'a'.repeat(64) };

  return {
    ...f,
    clock,
    admin: await f.auth('admin-1', ['admin']),
    produce,
    async registerEnvironment(name, tier) {
      await produce(
        environmentStream(name),
        EnvironmentRegistered,
        {
          name,
          service: 'checkout',
          tier,
          region: 'eu-west-1',
          iac: { template: 'git://infra/env', version: '1', parameters: {}, parametersSha256: 'b'.repeat(64) },
          driftIgnore: [],
          ttlMinutes: null,
          expiresAt: null,
          recreate: null,
          registeredAt: T0.toISOString(),
          registeredBy: 'platform',
        },
        new Date(T0.getTime() - DAY),
        'platform',
      );
      await f.until(
        `governance to learn ${name}`,
        `SELECT count(*)::int AS n FROM governance.grant_environment_tiers WHERE environment = '${name}'`,
        (r: { n: number }) => r.n === 1,
      );
    },
    async deploymentRequested(by, environment, at) {
      const runId = randomUUID();
      await produce(
        streamName('pipelineRun', runId),
        DeploymentRequested,
        {
          runId,
          stage: 2,
          service: 'checkout',
          environment,
          artifact,
          strategy: { type: 'blue-green' },
          rollbackTarget: null,
          gates: [],
          releaseId: null,
          commits: [],
          reason: 'promoted',
        },
        at,
        by,
      );
      return runId;
    },
    async approvalGranted(by, environment, at) {
      const runId = randomUUID();
      const stream = streamName('pipelineRun', runId);
      await produce(
        stream,
        ApprovalRequested,
        {
          runId,
          stage: 1,
          environment,
          groups: ['approvers'],
          minApprovals: 1,
          expiresAt: at.toISOString(),
          reason: 'gate',
        },
        at,
        'pipeline',
      );
      await produce(
        stream,
        ApprovalGranted,
        { runId, stage: 1, approver: by, group: 'approvers', reason: 'ok' },
        at,
        by,
      );
      return runId;
    },
    async call(method, url, as, payload) {
      return f.app.inject({
        method,
        url,
        headers: as,
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    },
    async close() {
      for (const c of enforcerConsumers) await c.stop();
      for (const r of relays) await r.stop();
      await nc.drain();
      await f.close();
    },
  };
}

/** Waits until `who-could` (or any GET) answers as `ready` says. */
export async function until<T>(what: string, get: () => Promise<T>, ready: (v: T) => boolean): Promise<T> {
  return waitFor(what, async () => {
    const v = await get();
    return ready(v) ? v : undefined;
  });
}

/** A GrantIssued as a given event of a specification (by admin-1 at T0 unless said). */
export function grantIssued(
  grantId: string,
  principal: string,
  options: {
    privilege?: 'deploy' | 'approve' | 'lead';
    scope?: { environment: string } | { tier: 'prod' | 'staging' };
    issuedBy?: string;
    at?: Date;
    expiresAt?: Date | null;
  } = {},
): SpecEvent {
  const at = options.at ?? T0;
  return event(
    GrantIssued,
    {
      grantId,
      principal,
      privilege: options.privilege ?? 'deploy',
      scope: options.scope ?? { environment: 'checkout-prod' },
      issuedBy: options.issuedBy ?? 'admin-1',
      issuedAt: at.toISOString(),
      reason: 'release duty',
      expiresAt: options.expiresAt?.toISOString() ?? null,
    },
    { at },
  );
}
