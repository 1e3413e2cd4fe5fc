import type { Actor } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { type PlanCommand, planDecider } from './domain/plan.decide.js';
import { evolvePlan, initialPlanState, type Plan, type PlanState } from './domain/plan.js';
import {
  evolveSchema,
  initialSchemaState,
  type SchemaCommand,
  type SchemaState,
  schemaDecider,
} from './domain/schema.js';
import { admission } from './wave-gate.js';

const actor: Actor = { id: 'lead-lou', kind: 'user', roles: [] };
const at = new Date('2026-12-01T10:00:00Z');
const PLAN = '0193cccc-0000-7000-8000-000000000001';
const plan = (...commands: PlanCommand[]): Plan => {
  let s: PlanState = initialPlanState;
  for (const c of commands) for (const e of planDecider.decide(c, s)) s = evolvePlan(s, e);
  return s as Plan;
};
const schema = (...commands: SchemaCommand[]): SchemaState => {
  let s = initialSchemaState;
  for (const c of commands) for (const e of schemaDecider.decide(c, s)) s = evolveSchema(s, e);
  return s;
};
const create: PlanCommand = {
  type: 'CreatePlan',
  planId: PLAN,
  releaseId: '0193cccc-0000-7000-8000-0000000000aa',
  environments: ['staging', 'prod'],
  services: [
    { service: 'orders', version: '2.0.0', provides: [{ api: 'orders-api', version: '2.0.0' }], consumes: [] },
    { service: 'web', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '^2' }] },
  ],
  lead: 'lead-lou',
  escalation: [],
  ackTimeoutMinutes: 5,
  runbook: null,
  flags: [],
  reason: '',
  actor,
  at,
};
const ctl = (type: 'Promote' | 'Pause' | 'Abort'): PlanCommand => ({ type, reason: 'r', actor, at, minuteMs: 60_000 });
const orders = { service: 'orders', environment: 'staging', version: '2.0.0' };
const expand: SchemaCommand = {
  type: 'RegisterMigration',
  actor,
  service: 'orders',
  migrationId: 'orders-001',
  sequence: 1,
  kind: 'expand',
  planId: PLAN,
  compatibleWith: '>=1.0.0',
  consumers: ['orders'],
  down: 'DROP',
  irreversible: false,
};

describe('admission', () => {
  it('waits until the plan is promoted, and for a later wave or environment', () => {
    expect(admission(plan(create), schema(), orders).decision).toBe('wait');
    expect(
      admission(plan(create, ctl('Promote')), schema(), { ...orders, service: 'web', version: '1.1.0' }).decision,
    ).toBe('wait');
    expect(admission(plan(create, ctl('Promote')), schema(), { ...orders, environment: 'prod' }).decision).toBe('wait');
    expect(admission(plan(create, ctl('Promote'), ctl('Pause')), schema(), orders).decision).toBe('wait');
  });
  it('starts a deployment of the open wave', () => {
    expect(admission(plan(create, ctl('Promote')), schema(), orders)).toMatchObject({
      decision: 'start',
      planId: PLAN,
    });
  });
  it('waits for an expand migration, and refuses once it failed there', () => {
    const staged = schema(expand);
    expect(admission(plan(create, ctl('Promote')), staged, orders)).toMatchObject({ decision: 'wait' });
    const failed = schema(expand, {
      type: 'RecordMigrationRun',
      service: 'orders',
      migrationId: 'orders-001',
      planId: PLAN,
      environment: 'staging',
      direction: 'up',
      outcome: 'failed',
      executor: 'job',
      detail: '',
      planEnvironments: [],
      running: () => null,
    });
    expect(admission(plan(create, ctl('Promote')), failed, orders)).toMatchObject({
      decision: 'refuse',
      check: 'migration',
    });
  });
  it('refuses another version, an environment outside the plan and an aborted plan', () => {
    const running = plan(create, ctl('Promote'));
    expect(admission(running, schema(), { ...orders, version: '2.0.1' })).toMatchObject({
      decision: 'refuse',
      check: 'plan',
    });
    expect(admission(running, schema(), { ...orders, environment: 'dev' })).toMatchObject({
      decision: 'refuse',
      check: 'plan',
    });
    expect(admission(plan(create, ctl('Abort')), schema(), orders)).toMatchObject({
      decision: 'refuse',
      check: 'plan',
    });
  });
});
