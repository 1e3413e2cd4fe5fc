import { rollbackDrillStream } from '@railyard/contracts';
import type { PostgresEventStore } from '@railyard/eventstore';
import { type GovernanceRuntime, startGovernanceRuntime } from '@railyard/governance/runtime';
import { type PlanningRuntime, startPlanningRuntime } from '@railyard/planning/runtime';
import { createLogger, signDevToken } from '@railyard/service-kit';
import { waitFor } from '@railyard/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScenarioInfra, startScenarioInfra } from './test-support/release-stack.js';

/**
 * Issue 15, done means (G6/R2): an overdue rollback drill raises the next release's risk score in planning. Governance
 * and planning run their real runtimes on one store and one bus (their own schemas): governance's scheduler declares
 * the drill overdue on its clock, the event reaches planning over NATS (`planning--rollback-drills`), and the release's
 * CAB submission scores the factor, naming the service and its due date. A recorded drill takes it away again.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const clock = new Date('2026-10-06T12:00:00.000Z');

let infra: ScenarioInfra;
let store: PostgresEventStore;
let pool: pg.Pool;
let governance: GovernanceRuntime;
let planning: PlanningRuntime;
const auth = async (sub: string, roles: string[]) => ({
  authorization: `Bearer ${await signDevToken({ sub, roles, secret: SECRET })}`,
});

beforeAll(async () => {
  infra = await startScenarioInfra('drillRiskScenario');
  ({ store, pool } = infra);
  const common = {
    store,
    pool,
    nats: infra.nc,
    subjectPrefix: infra.prefix,
    busStream: infra.streams.stream,
    auth: { secret: SECRET },
    sealIntervalMs: false as const,
    now: () => clock,
  };
  governance = await startGovernanceRuntime({
    ...common,
    logger: createLogger({ name: 'governance', level: 'silent' }),
    analystPassword: 'analyst-test-password-0123',
    schedulerIntervalMs: false,
  });
  planning = await startPlanningRuntime({ ...common, logger: createLogger({ name: 'planning', level: 'silent' }) });
});
afterAll(async () => {
  await planning?.close();
  await governance?.close();
  await infra?.close();
});

describe('an overdue rollback drill raises the next release risk score', () => {
  it('goes from governance to planning over the bus and into the CAB submission, explained', async () => {
    const sre = await auth('sre-kim', ['sre']);
    const rm = await auth('rm-ana', ['release-manager']);
    const po = await auth('po-cy', ['product-owner']);
    const dev = await auth('dev-bo', ['developer']);
    const gov = (method: 'PUT' | 'POST' | 'GET', url: string, payload?: object) =>
      governance.app.inject({ method, url, headers: sre, ...(payload ? { payload } : {}) });
    const plan = (method: 'PUT' | 'POST' | 'GET', url: string, headers: object, payload?: object) =>
      planning.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload ? { payload } : {}) });

    // Governance: payments-api must drill by 1 October.
    const scheduled = await gov('PUT', '/services/payments-api/drill-schedule', {
      nextDueAt: '2026-10-01T00:00:00Z',
      reason: 'R2: quarterly rollback drills',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    await waitFor('the drill list', async () =>
      (await gov('GET', '/drills')).json().drills.length === 1 ? true : undefined,
    );
    await governance.drillScheduler.tick();
    const stream = await store.readStream(rollbackDrillStream('payments-api'));
    expect(stream.map((e) => e.type)).toEqual(['RollbackDrillScheduled', 'RollbackDrillOverdue']);

    // Planning: a policy version that weighs the factor, and a frozen release touching payments-api.
    const policy = await plan('POST', '/risk-policies', rm, {
      name: 'CAB policy with drills',
      rules: {
        factors: [
          { factor: 'scopeSize', weight: 2 },
          { factor: 'overdueRollbackDrills', weight: 15 },
        ],
        levels: [
          { level: 'low', minScore: 0, quorum: 1 },
          { level: 'high', minScore: 15, quorum: 3 },
        ],
      },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const release = async (name: string) => {
      const created = await plan('POST', '/releases', rm, { name, targetDate: '2026-10-20' });
      expect(created.statusCode, created.body).toBe(201);
      const r = `/releases/${created.json().id}`;
      const item = await plan('POST', `${r}/scope-items`, dev, {
        title: 'Refund API',
        team: 'payments',
        kind: 'fix',
        service: 'payments-api',
      });
      expect(item.statusCode, item.body).toBe(201);
      expect((await plan('POST', `${r}/scope-items/${item.json().itemId}/accept`, po)).statusCode).toBe(200);
      const frozen = await plan('POST', `${r}/freeze`, rm);
      expect(frozen.statusCode, frozen.body).toBe(200);
      return r;
    };

    // The overdue reaches planning over NATS; the submission then counts it.
    await waitFor('planning to learn the overdue drill', async () => {
      const { rows } = await pool.query(
        `SELECT overdue_due_at FROM planning.rollback_drill_status WHERE service = 'payments-api'`,
      );
      return rows[0]?.overdue_due_at ?? undefined;
    });
    const first = await release('Payments 2026.10');
    const submitted = await plan('POST', `${first}/cab-submission`, rm, { riskPolicyId: policy.json().id });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().risk).toMatchObject({ score: 17, level: 'high', quorum: 3 });
    expect(submitted.json().risk.factors).toContainEqual({
      factor: 'overdueRollbackDrills',
      measure: 1,
      weight: 15,
      contribution: 15,
      explanation: 'payments-api: rollback drill overdue since 2026-10-01T00:00:00.000Z',
      overdueDrills: [{ service: 'payments-api', dueAt: '2026-10-01T00:00:00.000Z' }],
    });

    // A drill recorded in governance clears it: the next release scores without the factor.
    const drill = await gov('POST', '/services/payments-api/drills', {
      performedAt: '2026-10-06T10:00:00Z',
      timeToRollbackSeconds: 180,
      dataIntact: true,
      issues: [],
    });
    expect(drill.statusCode, drill.body).toBe(201);
    await waitFor('planning to learn the drill', async () => {
      const { rows } = await pool.query(
        `SELECT overdue_due_at FROM planning.rollback_drill_status WHERE service = 'payments-api'`,
      );
      return rows[0] && rows[0].overdue_due_at === null ? true : undefined;
    });
    const second = await release('Payments 2026.10.1');
    const again = await plan('POST', `${second}/cab-submission`, rm, { riskPolicyId: policy.json().id });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().risk).toMatchObject({ score: 2, level: 'low' });
  });
});
