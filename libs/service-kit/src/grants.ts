import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  consumerName,
  deadLetterSubject,
  EnvironmentRegistered,
  type EnvironmentTier,
  GrantIssued,
  GrantRevoked,
  type Privilege,
  type ServiceName,
  subjectFilter,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { createConsumer, type DurableConsumer, type MessagingLogger, PoisonMessageError } from '@railyard/messaging';
import { type Kysely, type Migration, sql } from 'kysely';
import type pg from 'pg';

/**
 * The grant ledger (G2): what a service that enforces governance's grants knows of them, learnt from events only
 * (governance's `GrantIssued`/`GrantRevoked`, orchestration's `EnvironmentRegistered` for the tiers), never from
 * governance's tables. Pipeline (approvals) and orchestration (deployments, leads) each keep one in their own schema
 * and ask it the same question: did this principal hold this privilege on this environment at this instant?
 *
 * One implementation for every enforcing service (and for governance's own who-could), so the rule is stated once:
 * a grant holds at T when issued at or before T, not revoked at or before T, and not expired at T (expiresAt > T).
 * A grant's scope is one environment by name or every environment of a tier.
 */

/** A migration for the service's own list: creates the ledger's two tables in the service's schema. */
export const grantLedgerMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('grant_ledger')
      .addColumn('grant_id', 'uuid', (c) => c.primaryKey())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('privilege', 'text', (c) => c.notNull())
      .addColumn('environment', 'text')
      .addColumn('tier', 'text')
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .addColumn('issued_event_id', 'uuid', (c) => c.notNull())
      .addColumn('revoked_event_id', 'uuid')
      .execute();
    await sql`CREATE INDEX grant_ledger_lookup ON grant_ledger (principal, privilege)`.execute(db);
    await db.schema
      .createTable('grant_environment_tiers')
      .addColumn('environment', 'text', (c) => c.primaryKey())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('event_id', 'uuid', (c) => c.notNull())
      .execute();
  },
};

/** One SQL statement over the caller's open transaction or pool (a pg client, a pool, or a kysely adapter). */
export interface GrantSql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params: unknown[],
  ): Promise<{ rows: R[]; rowCount?: number | null }>;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]*$/;
function qualified(schema: string, table: string): string {
  if (!SCHEMA_RE.test(schema)) throw new TypeError(`invalid schema name: ${schema}`);
  return `"${schema}".${table}`;
}

/** An event as the ledger needs it (a bus event, or a recorded event from the store). */
export interface GrantLedgerEvent {
  id: string;
  type: string;
  data: unknown;
}

/**
 * Applies one event to the ledger in `schema`. Idempotent: a redelivered event changes nothing. Returns 'ignored' for
 * event types the ledger does not keep, 'invalid' when a kept type does not match its contract.
 */
export async function applyGrantLedgerEvent(
  db: GrantSql,
  schema: string,
  event: GrantLedgerEvent,
): Promise<'applied' | 'ignored' | 'invalid'> {
  if (event.type === GrantIssued.type) {
    const parsed = GrantIssued.schema.safeParse(event.data);
    if (!parsed.success) return 'invalid';
    const g = parsed.data;
    const scope = g.scope as { environment?: string; tier?: string };
    await db.query(
      `INSERT INTO ${qualified(schema, 'grant_ledger')}
         (grant_id, principal, privilege, environment, tier, issued_at, expires_at, issued_by, issued_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (grant_id) DO NOTHING`,
      [
        g.grantId,
        g.principal,
        g.privilege,
        scope.environment ?? null,
        scope.tier ?? null,
        g.issuedAt,
        g.expiresAt,
        g.issuedBy,
        event.id,
      ],
    );
    return 'applied';
  }
  if (event.type === GrantRevoked.type) {
    const parsed = GrantRevoked.schema.safeParse(event.data);
    if (!parsed.success) return 'invalid';
    const g = parsed.data;
    // The first revocation counts; a revoked grant is never revived (a new grant is a new grantId).
    await db.query(
      `UPDATE ${qualified(schema, 'grant_ledger')} SET revoked_at = $2, revoked_event_id = $3
        WHERE grant_id = $1 AND revoked_at IS NULL`,
      [g.grantId, g.revokedAt, event.id],
    );
    return 'applied';
  }
  if (event.type === EnvironmentRegistered.type) {
    const parsed = EnvironmentRegistered.schema.safeParse(event.data);
    if (!parsed.success) return 'invalid';
    await db.query(
      `INSERT INTO ${qualified(schema, 'grant_environment_tiers')} (environment, tier, event_id) VALUES ($1, $2, $3)
       ON CONFLICT (environment) DO UPDATE SET tier = EXCLUDED.tier, event_id = EXCLUDED.event_id`,
      [parsed.data.name, parsed.data.tier, event.id],
    );
    return 'applied';
  }
  return 'ignored';
}

/** The tier of an environment as orchestration registered it; null when no registration has been seen. */
export async function environmentTier(
  db: GrantSql,
  schema: string,
  environment: string,
): Promise<EnvironmentTier | null> {
  const { rows } = await db.query<{ tier: EnvironmentTier }>(
    `SELECT tier FROM ${qualified(schema, 'grant_environment_tiers')} WHERE environment = $1`,
    [environment],
  );
  return rows[0]?.tier ?? null;
}

/**
 * Whether deploying to / approving for this environment needs a grant: every prod-tier environment does; an
 * environment whose tier is not known yet counts as prod when it is named `prod` (fail closed on the obvious name).
 */
export function grantRequiredFor(environment: string, tier: EnvironmentTier | null): boolean {
  return tier === 'prod' || (tier === null && environment === 'prod');
}

export interface HeldGrant {
  grantId: string;
  principal: string;
  privilege: Privilege;
  environment: string | null;
  tier: EnvironmentTier | null;
  issuedAt: Date;
  expiresAt: Date | null;
  issuedBy: string;
}

interface LedgerRow extends Record<string, unknown> {
  grant_id: string;
  principal: string;
  privilege: Privilege;
  environment: string | null;
  tier: EnvironmentTier | null;
  issued_at: Date;
  expires_at: Date | null;
  issued_by: string;
}

const held = (r: LedgerRow): HeldGrant => ({
  grantId: r.grant_id,
  principal: r.principal,
  privilege: r.privilege,
  environment: r.environment,
  tier: r.tier,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  issuedBy: r.issued_by,
});

/** The ledger's rule, as SQL over table alias `g`: holding at $at on the environment $env whose tier is $tier. */
const HOLDS_AT = `g.privilege = $privilege
  AND (g.environment = $env OR (g.tier IS NOT NULL AND g.tier = $tier))
  AND g.issued_at <= $at
  AND (g.revoked_at IS NULL OR g.revoked_at > $at)
  AND (g.expires_at IS NULL OR g.expires_at > $at)`;

function holdsAt(first: number): string {
  return HOLDS_AT.replaceAll('$privilege', `$${first}`)
    .replaceAll('$env', `$${first + 1}`)
    .replaceAll('$tier', `$${first + 2}`)
    .replaceAll('$at', `$${first + 3}`);
}

export interface GrantQuestion {
  principal: string;
  privilege: Privilege;
  environment: string;
  at: Date;
}

/** The grant (the oldest one, if several) by which `principal` held `privilege` on `environment` at `at`; or null. */
export async function findHeldGrant(db: GrantSql, schema: string, q: GrantQuestion): Promise<HeldGrant | null> {
  const tier = await environmentTier(db, schema, q.environment);
  const { rows } = await db.query<LedgerRow>(
    `SELECT g.* FROM ${qualified(schema, 'grant_ledger')} g
      WHERE g.principal = $1 AND ${holdsAt(2)}
      ORDER BY g.issued_at, g.grant_id LIMIT 1`,
    [q.principal, q.privilege, q.environment, tier, q.at],
  );
  return rows[0] ? held(rows[0]) : null;
}

/** Every principal holding `privilege` on `environment` at `at`, each with the grants by which they held it. */
export async function principalsHolding(
  db: GrantSql,
  schema: string,
  q: Omit<GrantQuestion, 'principal'>,
): Promise<HeldGrant[]> {
  const tier = await environmentTier(db, schema, q.environment);
  const { rows } = await db.query<LedgerRow>(
    `SELECT g.* FROM ${qualified(schema, 'grant_ledger')} g WHERE ${holdsAt(1)}
      ORDER BY g.principal, g.issued_at, g.grant_id`,
    [q.privilege, q.environment, tier, q.at],
  );
  return rows.map(held);
}

export interface GrantLedgerConsumerDeps {
  /** The enforcing service: its consumers are `<service>--grants` and `<service>--environment-tiers`. */
  service: ServiceName;
  /** The service's schema, where the ledger's tables are (grantLedgerMigration in its migration list). */
  schema: string;
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}

/**
 * The two durable consumers that keep a service's ledger: governance's grants and orchestration's environments (for
 * the tiers). Both catch up from the store from the beginning when new, so a service deployed today knows grants
 * issued last year.
 */
export function grantLedgerConsumers(deps: GrantLedgerConsumerDeps): DurableConsumer[] {
  const consumer = (purpose: string, owner: ServiceName, aggregate: string) => {
    const name = consumerName(deps.service, purpose);
    return createConsumer({
      js: deps.js,
      jsm: deps.jsm,
      pool: deps.pool,
      stream: deps.stream,
      durableName: name,
      filterSubject: subjectFilter(deps.subjectPrefix, owner, aggregate),
      deadLetterSubject: deadLetterSubject(deps.subjectPrefix, name),
      backoff: [200, 1000, 5000],
      catchUp: { store: deps.store, subjectPrefix: deps.subjectPrefix, start: 'beginning' },
      logger: deps.logger,
      async handler(event, ctx) {
        if ((await applyGrantLedgerEvent(ctx.tx, deps.schema, event)) === 'invalid') {
          throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
        }
      },
    });
  };
  return [consumer('grants', 'governance', 'grant'), consumer('environment-tiers', 'orchestration', 'environment')];
}
