import { deploymentStream, OrchestrationErrorCodes, rolloutPlanStream, streamName } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../test-support/orchestration-fixture.js';
import { type TestDeployments, testDeployments } from './test-support/deployments.js';

// O6 and the plan side of R1: a canary paused for a decision escalates down the list when nobody acknowledges in
// time (plan minutes are 1 s here, the clock is moved, the scheduler ticked); the lead's rollback kills the plan's
// flag, reverses the waves in reverse order through DeploymentControl and hands the down migration to the executor.

const RELEASE = '0193bbbb-0000-7000-8000-000000000001';
const MINUTE_MS = 1_000;
let f: OrchestrationFixture;
let d: TestDeployments;
let lead: HttpClient;
let planId: string;
const ids: Record<string, string> = {};

const planTypes = async () => (await f.events(rolloutPlanStream(planId))).map((e) => e.type);
const untilPlan = (what: string, probe: (types: string[]) => boolean) =>
  f.until(what, async () => ((await probe(await planTypes())) ? true : undefined));
const request = (service: string, version: string) =>
  d.request(f.runtime.plans.waveGate, {
    releaseId: RELEASE,
    service,
    environment: 'staging',
    version,
    rollbackTo: '1.0.0',
  });
const advance = (minutes: number) => {
  f.clock.now = new Date(f.clock.now.getTime() + minutes * MINUTE_MS);
};

/** Waits until the plans' progress worker has handled every event it follows: nothing more is on its way. */
const quiet = async () => {
  await f.settle();
  await f.until('the plans worker to catch up', async () => {
    const head = await f.store.headPosition({ categories: ['deployment', 'rolloutPlan', 'serviceSchema'] });
    return f.runtime.plans.workers.progress.position() >= head ? true : undefined;
  });
};

beforeAll(async () => {
  f = await startOrchestration('planrollback', {
    deploymentControl: (store, now) => {
      d = testDeployments(store, now);
      return d.control;
    },
    minuteMs: MINUTE_MS,
  });
  const ops = await f.as('sre-sam', ['sre']);
  expect((await ops.post('/environments', environmentBody('staging', 'staging', { service: 'api' }))).statusCode).toBe(
    201,
  );
  const dev = await f.as('dev-ines', ['developer']);
  const flag = {
    key: 'beta-ui',
    state: 'DISABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    reason: 'r',
  };
  expect((await dev.post('/flags', flag)).statusCode).toBe(201);
  const seed = await d.request(f.runtime.plans.waveGate, {
    releaseId: '0193bbbb-0000-7000-8000-0000000000ff',
    service: 'app',
    environment: 'staging',
    version: '1.0.0',
  });
  await d.succeed(seed.deploymentId);
  await f.settle();
  lead = await f.as('lead-lou', ['deployment-lead']);
  const res = await lead.post('/plans', {
    releaseId: RELEASE,
    environments: ['staging'],
    services: [
      { service: 'api', version: '1.1.0', provides: [{ api: 'x-api', version: '1.1.0' }], consumes: [] },
      { service: 'app', version: '1.1.0', provides: [], consumes: [{ api: 'x-api', range: '^1.1.0' }] },
    ],
    lead: 'lead-lou',
    escalation: ['sre-sam', 'cto-kim'],
    ackTimeoutMinutes: 10,
    flags: [{ key: 'beta-ui', enableAfterWave: 1, killOnRollback: true }],
  });
  expect(res.statusCode).toBe(201);
  planId = res.json().planId;
  const staged = await lead.post(`/plans/${planId}/migrations`, {
    service: 'api',
    migrationId: 'api-001-add-index',
    sequence: 1,
    kind: 'expand',
    compatibleWith: '>=1.0.0',
    down: 'DROP INDEX api_idx',
  });
  expect(staged.statusCode).toBe(201);
  await lead.post(`/plans/${planId}/promote`, { reason: 'go' });
  await ops.post(`/plans/${planId}/migrations/api-001-add-index/runs`, {
    environment: 'staging',
    outcome: 'succeeded',
    executor: 'job',
  });
  ids.api = (await request('api', '1.1.0')).deploymentId;
}, 60_000);
afterAll(() => f?.close());

describe('a paused canary and its lead', () => {
  it('escalates down the list when nobody acknowledges in time, and records each step', async () => {
    await d.pauseForDecision(ids.api!);
    await untilPlan('a decision to be requested', (t) => t.includes('LeadDecisionRequested'));
    await f.settle();
    const escalations = f.runtime.plans.workers.escalations;
    advance(9);
    expect(await escalations.tick()).toBe(0);
    advance(2);
    expect(await escalations.tick()).toBe(1);
    await f.settle();
    advance(11);
    expect(await escalations.tick()).toBe(1);
    await f.settle();
    advance(60);
    expect(await escalations.tick()).toBe(0);
    const escalated = (await f.events(rolloutPlanStream(planId))).filter((e) => e.type === 'LeadDecisionEscalated');
    expect(escalated.map((e) => [e.data.from, e.data.to, e.data.level, e.data.dueAt === null])).toEqual([
      ['lead-lou', 'sre-sam', 1, false],
      ['sre-sam', 'cto-kim', 2, true],
    ]);
  });

  it('lets only the person asked (or the lead) acknowledge', async () => {
    const decisionId = (await lead.get(`/plans/${planId}`)).json().decisions[0].decisionId;
    const dana = await f.as('dana', ['deployer']);
    const refused = await dana.post(`/plans/${planId}/decisions/${decisionId}/acknowledge`, { note: 'me?' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe(OrchestrationErrorCodes.DECISION_NOT_ASKED);
    const cto = await f.as('cto-kim', ['release-manager']);
    const ok = await cto.post(`/plans/${planId}/decisions/${decisionId}/acknowledge`, { note: 'promote it' });
    expect(ok.json().decisions[0]).toMatchObject({ acknowledged: true, askedOf: 'cto-kim', dueAt: null });
  });
});

describe('rolling the plan back', () => {
  it('finishes the rollout first: the flag turns on after wave 1', async () => {
    await d.succeed(ids.api!);
    ids.app = (await request('app', '1.1.0')).deploymentId;
    await d.succeed(ids.app);
    await untilPlan(
      'the plan to complete',
      (t) => t.includes('RolloutPlanCompleted') && t.includes('PlanFlagTurnedOn'),
    );
  });

  it('refuses a rollback from anyone but the lead', async () => {
    await quiet();
    const before = await f.head();
    const sre = await f.as('sre-sam', ['sre']);
    const res = await sre.post(`/plans/${planId}/rollback`, { reason: 'errors' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(OrchestrationErrorCodes.PLAN_NOT_LEAD);
    expect(await f.head()).toBe(before);
  });

  it('kills the flag, reverses the waves in reverse order and runs the down migration, recording each step', async () => {
    const planned = (await lead.get(`/plans/${planId}/rollback-plan`)).json().steps;
    expect(planned.map((s: { kind: string; service?: string }) => `${s.kind}:${s.service ?? ''}`)).toEqual([
      'kill-flag:',
      'rollback-deployment:app',
      'rollback-deployment:api',
      'down-migration:api',
    ]);
    const res = await lead.post(`/plans/${planId}/rollback`, { reason: 'error rate above the release criteria' });
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('rolling-back');
    await untilPlan(
      'the down migration to be handed over',
      (t) => t.filter((x) => x === 'PlanRollbackStepRecorded').length >= 6,
    );
    expect(d.calls.rollback).toEqual([ids.app, ids.api]);
    expect((await f.events(deploymentStream(ids.app!))).map((e) => e.type)).toContain('DeploymentRolledBack');
    expect((await f.events(streamName('flag', 'beta-ui'))).at(-1)?.type).toBe('FlagKilled');
    expect(await planTypes()).not.toContain('RolloutPlanRolledBack');

    const ops = await f.as('sre-sam', ['sre']);
    const down = await ops.post(`/plans/${planId}/migrations/api-001-add-index/runs`, {
      environment: 'staging',
      direction: 'down',
      outcome: 'succeeded',
      executor: 'job',
    });
    expect(down.statusCode).toBe(201);
    await untilPlan('the plan to be rolled back', (t) => t.includes('RolloutPlanRolledBack'));
    const steps = (await f.events(rolloutPlanStream(planId)))
      .filter((e) => e.type === 'PlanRollbackStepRecorded')
      .map((e) => `${e.data.index}:${e.data.outcome}`);
    expect(steps).toEqual(['0:done', '1:requested', '1:done', '2:requested', '2:done', '3:requested', '3:done']);
    expect(
      await f.runtime.plans.migrationGuard.rollbackAllowed({
        service: 'api',
        environment: 'staging',
        fromVersion: '1.1.0',
        toVersion: '1.0.0',
      }),
    ).toEqual({ allowed: true });
  });

  it('refuses new deployments and commands once rolled back', async () => {
    expect((await request('api', '1.1.0')).admission).toMatchObject({ decision: 'refuse', check: 'plan' });
    expect((await lead.post(`/plans/${planId}/resume`, { reason: 'again' })).json().code).toBe(
      OrchestrationErrorCodes.PLAN_FINISHED,
    );
  });
});
