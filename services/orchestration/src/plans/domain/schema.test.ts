import { type Actor, DomainError, OrchestrationErrorCodes } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import {
  evolveSchema,
  initialSchemaState,
  rollbackBlocker,
  type SchemaCommand,
  type SchemaState,
  schemaDecider,
} from './schema.js';

const actor: Actor = { id: 'dev', kind: 'user', roles: ['developer'] };
const PLAN = '0193cccc-0000-7000-8000-000000000001';
const given = (...commands: SchemaCommand[]): SchemaState => {
  let state = initialSchemaState;
  for (const c of commands) for (const e of schemaDecider.decide(c, state)) state = evolveSchema(state, e);
  return state;
};
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
};
const register = (migrationId: string, sequence: number, over: Partial<SchemaCommand> = {}): SchemaCommand =>
  ({
    type: 'RegisterMigration',
    actor,
    service: 'orders',
    migrationId,
    sequence,
    kind: 'expand',
    planId: PLAN,
    compatibleWith: '>=2.0.0',
    consumers: ['orders'],
    down: 'DROP',
    irreversible: false,
    ...over,
  }) as SchemaCommand;
const run = (
  migrationId: string,
  environment: string,
  running: Record<string, string>,
  direction: 'up' | 'down' = 'up',
): SchemaCommand => ({
  type: 'RecordMigrationRun',
  service: 'orders',
  migrationId,
  planId: PLAN,
  environment,
  direction,
  outcome: 'succeeded',
  executor: 'job',
  detail: '',
  planEnvironments: ['staging', 'prod'],
  running: (service, env) => running[`${service}@${env}`] ?? null,
});

describe('staging migrations', () => {
  it('needs a down migration or irreversible, exactly one, and an increasing sequence', () => {
    expect(refusal(() => given(register('a', 1, { down: null }))).code).toBe(OrchestrationErrorCodes.MIGRATION_INVALID);
    expect(refusal(() => given(register('a', 1, { irreversible: true }))).code).toBe(
      OrchestrationErrorCodes.MIGRATION_INVALID,
    );
    expect(refusal(() => given(register('a', 2), register('b', 2))).code).toBe(OrchestrationErrorCodes.MIGRATION_ORDER);
    expect(refusal(() => given(register('a', 1), register('a', 3))).code).toBe(
      OrchestrationErrorCodes.MIGRATION_EXISTS,
    );
  });
});

describe('a contract', () => {
  const staged = () =>
    given(register('c', 1, { kind: 'contract', compatibleWith: '>=2.1.0', down: null, irreversible: true }));
  it('is refused while a consumer runs an older version in an environment of the plan, naming it', () => {
    const refused = refusal(() =>
      given(
        ...[
          register('c', 1, { kind: 'contract', compatibleWith: '>=2.1.0', down: null, irreversible: true }),
          run('c', 'staging', { 'orders@staging': '2.1.0', 'orders@prod': '2.0.0' }),
        ],
      ),
    );
    expect(refused.code).toBe(OrchestrationErrorCodes.MIGRATION_CONSUMERS_NOT_READY);
    expect(refused.message).toContain('orders in prod runs 2.0.0');
    expect(staged().migrations[0]!.applied).toEqual({});
  });
  it('runs once every consumer is compatible, and then forbids a rollback below it', () => {
    const done = given(
      register('c', 1, { kind: 'contract', compatibleWith: '>=2.1.0', down: null, irreversible: true }),
      run('c', 'staging', { 'orders@staging': '2.1.0', 'orders@prod': '2.1.0' }),
    );
    expect(rollbackBlocker(done, 'staging', '2.0.0')).toMatchObject({ migrationId: 'c' });
    expect(rollbackBlocker(done, 'staging', '2.1.5')).toBeNull();
    expect(rollbackBlocker(done, 'prod', '2.0.0')).toBeNull();
  });
});

describe('rollback across migrations', () => {
  it('allows crossing a reversible expand, refuses an irreversible one', () => {
    const expand = given(register('e', 1, { compatibleWith: '>=2.1.0' }), run('e', 'staging', {}));
    expect(rollbackBlocker(expand, 'staging', '2.0.0')).toBeNull();
    const irreversible = given(
      register('i', 1, { kind: 'migrate', compatibleWith: '>=2.1.0', down: null, irreversible: true }),
      run('i', 'staging', {}),
    );
    expect(rollbackBlocker(irreversible, 'staging', '2.0.0')?.reason).toContain('irreversible');
    expect(refusal(() => schemaDecider.decide(run('i', 'staging', {}, 'down'), irreversible)).code).toBe(
      OrchestrationErrorCodes.MIGRATION_INVALID,
    );
  });
});
