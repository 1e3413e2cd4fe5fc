import { randomUUID } from 'node:crypto';
import { OrchestrationErrorCodes, rolloutPlanStream, rotationStream } from '@railyard/contracts';
import type { PostgresEventStore } from '@railyard/eventstore';
import { type GovernanceRuntime, startGovernanceRuntime } from '@railyard/governance/runtime';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { createLogger, signDevToken } from '@railyard/service-kit';
import { issueTestGrant, waitFor } from '@railyard/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScenarioInfra, startScenarioInfra } from './test-support/release-stack.js';

/**
 * Issue 15, G8 done means: a rollout plan created with no lead gets the rotation's on-call. Governance and
 * orchestration run their real runtimes on one store and one bus: lead grants are governance's GrantIssued events;
 * the rotation skips a member whose grant lapsed and records the skip in RotationTurnStarted; the turn reaches
 * orchestration over NATS (`orchestration--lead-rotations`) and leads the plan. Before any turn: a clear refusal.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
let clock = new Date('2026-10-23T10:00:00.000Z');

let infra: ScenarioInfra;
let store: PostgresEventStore;
let pool: pg.Pool;
let governance: GovernanceRuntime;
let orchestration: OrchestrationRuntime;
const auth = async (sub: string, roles: string[]) => ({
  authorization: `Bearer ${await signDevToken({ sub, roles, secret: SECRET })}`,
});

const grantLead = (principal: string, environment: string, expiresAt: string | null) =>
  issueTestGrant(store, {
    principal,
    privilege: 'lead',
    scope: { environment },
    issuedBy: 'sec-officer',
    reason: 'deployment lead',
    expiresAt,
  });

beforeAll(async () => {
  infra = await startScenarioInfra('leadRotationScenario');
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
    schedulerIntervalMs: false as const,
  };
  governance = await startGovernanceRuntime({
    ...common,
    logger: createLogger({ name: 'governance', level: 'silent' }),
    analystPassword: 'analyst-test-password-0123',
  });
  const noAgent = `whsec_${Buffer.from('no-agent-in-this-test').toString('base64')}`;
  orchestration = await startOrchestrationRuntime({
    ...common,
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
    deployments: {
      agentUrl: 'http://127.0.0.1:9',
      agentSecret: noAgent,
      callbackSecret: noAgent,
      callbackUrl: 'http://127.0.0.1:9/deployments/callbacks',
      intervalMs: false,
    },
  });
});
afterAll(async () => {
  await orchestration?.close();
  await governance?.close();
  await infra?.close();
});

describe('a plan created with no lead', () => {
  it("is led by the rotation's on-call, the member without a lead grant skipped and the skip recorded", async () => {
    const sre = await auth('sre-sam', ['sre']);
    const rm = await auth('rm-ana', ['release-manager']);
    const orch = (url: string, payload: object, headers = rm) =>
      orchestration.app.inject({ method: 'POST', url, headers, payload });
    for (const [name, tier] of [
      ['staging', 'staging'],
      ['prod', 'prod'],
    ] as const) {
      const env = await orch(
        '/environments',
        {
          name,
          service: 'checkout',
          tier,
          region: 'eu',
          iac: { template: 'git@infra:checkout', version: '1.0.0', parameters: {} },
        },
        sre,
      );
      expect(env.statusCode, env.body).toBe(201);
    }
    const planBody = {
      releaseId: randomUUID(),
      environments: ['staging', 'prod'],
      services: [{ service: 'checkout', version: '2.0.0', provides: [], consumes: [] }],
      escalation: ['sre-sam'],
      ackTimeoutMinutes: 15,
    };

    // Nobody on call for prod yet: refused with a code saying so, nothing recorded.
    const refused = await waitFor('the environments read model', async () => {
      const res = await orch('/plans', planBody);
      return res.json().code === OrchestrationErrorCodes.PLAN_SERVICE_UNKNOWN ? undefined : res;
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json().code).toBe(OrchestrationErrorCodes.PLAN_NO_ON_CALL_LEAD);

    // ana holds a lead grant on prod; bo's lapsed before today's turn; cy holds one.
    await grantLead('ana', 'prod', null);
    await grantLead('bo', 'prod', '2026-10-22T00:00:00.000Z');
    await grantLead('cy', 'prod', null);
    await waitFor(
      'the rotation ledger',
      async () =>
        (await pool.query('SELECT count(*)::int AS n FROM governance.grant_ledger')).rows[0].n === 3 || undefined,
    );
    const rotation = await governance.app.inject({
      method: 'POST',
      url: '/rotations',
      headers: rm,
      payload: {
        name: 'prod leads',
        environment: 'prod',
        members: ['ana', 'bo', 'cy'],
        turn: { days: 1 },
        handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
        startsAt: '2026-10-22T07:00:00Z',
        reason: 'G8',
      },
    });
    expect(rotation.statusCode, rotation.body).toBe(201);
    const rotationId = rotation.json().rotationId;
    // Today (Friday 23rd) is bo's turn by order; bo is skipped for cy, and the skip is in the event.
    const turn = (await store.readStream(rotationStream(rotationId))).find((e) => e.type === 'RotationTurnStarted');
    expect(turn?.data).toMatchObject({
      environment: 'prod',
      principal: 'cy',
      startsAt: '2026-10-23T07:00:00.000Z',
      skipped: [{ principal: 'bo', reason: 'no lead grant on prod at 2026-10-23T07:00:00.000Z' }],
    });

    const created = await waitFor('orchestration to learn the turn', async () => {
      const res = await orch('/plans', planBody);
      return res.statusCode === 201 ? res : undefined;
    });
    expect(created.json().lead).toBe('cy');
    const planCreated = (await store.readStream(rolloutPlanStream(created.json().planId)))[0];
    expect(planCreated?.type).toBe('RolloutPlanCreated');
    expect(planCreated?.data).toMatchObject({ lead: 'cy' });

    // Sunday after summer time ended (handoff 09:00 CET = 08:00Z): the scheduler announces ana's turn; her plan.
    clock = new Date('2026-10-25T08:30:00.000Z');
    await governance.rotationScheduler.tick();
    const next = await waitFor('the next turn to reach orchestration', async () => {
      const res = await orch('/plans', { ...planBody, releaseId: randomUUID() });
      return res.statusCode === 201 && res.json().lead !== 'cy' ? res : undefined;
    });
    expect(next.json().lead).toBe('ana');
  });
});
