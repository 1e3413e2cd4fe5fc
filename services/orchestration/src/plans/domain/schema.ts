import {
  type Actor,
  invalid,
  notFound,
  OrchestrationErrorCodes,
  ruleViolated,
  type ServiceSchemaEvent,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import semver from 'semver';

/** A staged migration of a service's schema (O2) and what ran of it, per environment. */
export interface Migration {
  migrationId: string;
  sequence: number;
  kind: 'expand' | 'migrate' | 'contract';
  planId: string;
  compatibleWith: string;
  consumers: string[];
  down: string | null;
  irreversible: boolean;
  /** The last successful run per environment: up means applied. */
  applied: Record<string, boolean>;
  /** The last run's outcome per environment (a failed run leaves `applied` as it was). */
  lastRun: Record<string, { direction: 'up' | 'down'; outcome: 'succeeded' | 'failed' }>;
}
export interface SchemaState {
  service: string | null;
  migrations: Migration[];
}
export const initialSchemaState: SchemaState = { service: null, migrations: [] };

export function evolveSchema(state: SchemaState, event: ServiceSchemaEvent): SchemaState {
  if (event.type === 'MigrationRegistered') {
    const { service, by: _by, ...m } = event.data;
    return { service, migrations: [...state.migrations, { ...m, applied: {}, lastRun: {} }] };
  }
  const { migrationId, environment, direction, outcome } = event.data;
  return {
    ...state,
    migrations: state.migrations.map((m) =>
      m.migrationId !== migrationId
        ? m
        : {
            ...m,
            applied: outcome === 'succeeded' ? { ...m.applied, [environment]: direction === 'up' } : m.applied,
            lastRun: { ...m.lastRun, [environment]: { direction, outcome } },
          },
    ),
  };
}

/** Whether an application version can run on the schema after this migration. */
export const compatible = (m: Migration, version: string | null) =>
  version !== null && semver.valid(version) !== null && semver.satisfies(version, m.compatibleWith);

/**
 * What forbids rolling a service back to `toVersion` in an environment (O2, R1): an applied migration the target
 * cannot run on that is irreversible, or a contract (its columns are gone: a down migration cannot bring the data
 * back). The newest such migration is named. null: nothing forbids it.
 */
export function rollbackBlocker(
  state: SchemaState,
  environment: string,
  toVersion: string | null,
): { migrationId: string; reason: string } | null {
  const blocking = state.migrations
    .filter((m) => m.applied[environment] && !compatible(m, toVersion))
    .filter((m) => m.irreversible || m.kind === 'contract')
    .sort((a, b) => b.sequence - a.sequence)[0];
  if (!blocking) return null;
  const target = toVersion ?? 'no version';
  const why = blocking.irreversible ? 'is irreversible' : 'already contracted the schema';
  return {
    migrationId: blocking.migrationId,
    reason: `Migration ${blocking.migrationId} of ${state.service} ${why} in ${environment}, and ${target} needs a schema compatible with it (${blocking.compatibleWith} only).`,
  };
}

/** Migrations a plan staged for a service that must have run in an environment before its app starts there. */
export const pendingBefore = (state: SchemaState, planId: string, environment: string) =>
  state.migrations.filter((m) => m.planId === planId && m.kind !== 'contract' && !m.applied[environment]);

export type RegisterMigration = {
  type: 'RegisterMigration';
  actor: Actor;
  service: string;
  migrationId: string;
  sequence: number;
  kind: Migration['kind'];
  planId: string;
  compatibleWith: string;
  consumers: string[];
  down: string | null;
  irreversible: boolean;
};
export type RecordMigrationRun = {
  type: 'RecordMigrationRun';
  service: string;
  migrationId: string;
  planId: string;
  environment: string;
  direction: 'up' | 'down';
  outcome: 'succeeded' | 'failed';
  executor: string;
  detail: string;
  /** For a contract: the environments of its plan and the version each consumer runs there (null: none known). */
  planEnvironments: string[];
  running: (service: string, environment: string) => string | null;
};
export type SchemaCommand = RegisterMigration | RecordMigrationRun;

function register(c: RegisterMigration, state: SchemaState): ServiceSchemaEvent[] {
  if (state.migrations.some((m) => m.migrationId === c.migrationId)) {
    throw ruleViolated(OrchestrationErrorCodes.MIGRATION_EXISTS, `Migration ${c.migrationId} is already staged.`);
  }
  const last = Math.max(0, ...state.migrations.map((m) => m.sequence));
  if (c.sequence <= last) {
    throw ruleViolated(
      OrchestrationErrorCodes.MIGRATION_ORDER,
      `${c.service}'s schema is at migration ${last}: a new one needs a higher sequence than ${c.sequence}.`,
    );
  }
  if (semver.validRange(c.compatibleWith) === null) {
    throw invalid(OrchestrationErrorCodes.MIGRATION_INVALID, `"${c.compatibleWith}" is not a semver range.`);
  }
  if (c.irreversible === (c.down !== null)) {
    throw invalid(
      OrchestrationErrorCodes.MIGRATION_INVALID,
      'A migration has a pre-staged down migration, or is marked irreversible: exactly one of the two.',
    );
  }
  const { type: _t, actor, ...data } = c;
  return [{ type: 'MigrationRegistered', data: { ...data, by: actor.id } }];
}

/** Consumers of a contract's schema that do not yet run a compatible version in every environment of its plan. */
export function contractLaggards(m: Migration, c: Pick<RecordMigrationRun, 'planEnvironments' | 'running'>) {
  return c.planEnvironments.flatMap((environment) =>
    m.consumers
      .map((service) => ({ service, environment, version: c.running(service, environment) }))
      .filter((x) => !compatible(m, x.version)),
  );
}

function run(c: RecordMigrationRun, state: SchemaState): ServiceSchemaEvent[] {
  const m = state.migrations.find((x) => x.migrationId === c.migrationId && x.planId === c.planId);
  if (!m) throw notFound(OrchestrationErrorCodes.MIGRATION_NOT_FOUND, `The plan staged no migration ${c.migrationId}.`);
  if (c.direction === 'up' && m.kind === 'contract') {
    const laggards = contractLaggards(m, c);
    if (laggards.length > 0) {
      const list = laggards.map((l) => `${l.service} in ${l.environment} runs ${l.version ?? 'nothing known'}`);
      throw ruleViolated(
        OrchestrationErrorCodes.MIGRATION_CONSUMERS_NOT_READY,
        `Contract ${m.migrationId} needs every consumer on ${m.compatibleWith} first: ${list.join('; ')}.`,
        { migrationId: m.migrationId, laggards },
      );
    }
  }
  if (c.direction === 'down') {
    if (m.irreversible) {
      throw ruleViolated(OrchestrationErrorCodes.MIGRATION_INVALID, `Migration ${m.migrationId} is irreversible.`, {
        migrationId: m.migrationId,
      });
    }
    if (!m.applied[c.environment]) {
      throw ruleViolated(
        OrchestrationErrorCodes.MIGRATION_INVALID,
        `${m.migrationId} is not applied in ${c.environment}.`,
      );
    }
  }
  const { type: _t, planEnvironments: _e, running: _r, ...data } = c;
  return [{ type: 'MigrationRunRecorded', data }];
}

export const schemaDecider: Decider<SchemaCommand, ServiceSchemaEvent, SchemaState> = {
  initialState: initialSchemaState,
  evolve: evolveSchema,
  decide: (command, state) => (command.type === 'RegisterMigration' ? register(command, state) : run(command, state)),
};
