import { deploymentStream, OrchestrationErrorCodes, rolloutPlanStream, streamName } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../test-support/orchestration-fixture.js';
import { type TestDeployments, testDeployments } from './test-support/deployments.js';

// The plan scenario of issue 11 (O1, O2, O5, O6): a release of 4 services — an API provider, two consumers of its
// API and an independent one — planned in 2 waves over staging and prod, the expand migration first, wave 2 only
// after wave 1 succeeded, a contract refused until its consumers run the new version, the runbook to complete.
// Deployment outcomes come from the agreed deployment events appended to the real store (test-support/deployments).

const RELEASE = '0193aaaa-0000-7000-8000-000000000001';
const ENVS = ['staging', 'prod'];
let f: OrchestrationFixture;
let d: TestDeployments;
let lead: HttpClient;
let other: HttpClient;
let sre: HttpClient;
let planId: string;

const services = [
  { service: 'web', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '^2.1.0' }] },
  { service: 'orders', version: '2.1.0', provides: [{ api: 'orders-api', version: '2.1.0' }], consumes: [] },
  { service: 'mobile-bff', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '>=2.1.0 <3' }] },
  { service: 'search', version: '1.1.0', provides: [], consumes: [] },
];
const planBody = (over: Record<string, unknown> = {}) => ({
  releaseId: RELEASE,
  environments: ENVS,
  services,
  lead: 'lead-lou',
  escalation: ['sre-sam'],
  ackTimeoutMinutes: 15,
  runbook: {
    name: 'checkout-release',
    version: 3,
    steps: [
      {
        id: 'dns',
        kind: 'dns-update',
        title: 'Point api.example at the new LB',
        ownerRole: 'sre',
        validation: 'dig +short api.example',
        mandatory: true,
        environment: 'prod',
      },
      {
        id: 'monitoring',
        kind: 'enable-monitoring',
        title: 'Enable the orders dashboards',
        ownerRole: 'sre',
        validation: 'dashboard shows 2.1.0',
        mandatory: true,
        service: 'orders',
      },
      {
        id: 'cdn',
        kind: 'cache-invalidation',
        title: 'Purge the CDN',
        ownerRole: 'sre',
        validation: 'curl -I shows MISS',
        mandatory: false,
      },
    ],
  },
  flags: [{ key: 'new-checkout', enableAfterWave: 2, killOnRollback: true }],
  ...over,
});

const deploymentTypes = async (id: string) => (await f.events(deploymentStream(id))).map((e) => e.type);
const planTypes = async () => (await f.events(rolloutPlanStream(planId))).map((e) => e.type);
const untilPlan = (what: string, probe: (types: string[]) => boolean) =>
  f.until(what, async () => ((await probe(await planTypes())) ? true : undefined));
const request = (service: string, environment: string, version: string) =>
  d.request(f.runtime.plans.waveGate, { releaseId: RELEASE, service, environment, version });
const started = (id: string) =>
  f.until(`${id} to start`, async () => ((await deploymentTypes(id)).includes('DeploymentStarted') ? true : undefined));

/** Waits until the plans' progress worker has handled every event it follows: nothing more is on its way. */
const quiet = async () => {
  await f.settle();
  await f.until('the plans worker to catch up', async () => {
    const head = await f.store.headPosition({ categories: ['deployment', 'rolloutPlan', 'serviceSchema'] });
    return f.runtime.plans.workers.progress.position() >= head ? true : undefined;
  });
};

beforeAll(async () => {
  f = await startOrchestration('planscenario', {
    deploymentControl: (store, now) => {
      d = testDeployments(store, now);
      return d.control;
    },
  });
  const ops = await f.as('sre-sam', ['sre']);
  for (const env of ENVS)
    expect(
      (
        await ops.post(
          '/environments',
          environmentBody(env, env === 'prod' ? 'prod' : 'staging', { service: 'orders' }),
        )
      ).statusCode,
    ).toBe(201);
  const dev = await f.as('dev-ines', ['developer']);
  const flag = {
    key: 'new-checkout',
    state: 'DISABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    reason: 'dark launch',
  };
  expect((await dev.post('/flags', flag)).statusCode).toBe(201);
  // What runs today (no plan): the services become known, and their running versions are on the record.
  for (const env of ENVS) {
    for (const [service, version] of [
      ['orders', '2.0.0'],
      ['web', '1.0.0'],
      ['mobile-bff', '1.0.0'],
      ['search', '1.0.0'],
    ] as const) {
      const { deploymentId } = await d.request(f.runtime.plans.waveGate, {
        releaseId: '0193aaaa-0000-7000-8000-0000000000ff',
        service,
        environment: env,
        version,
      });
      await d.succeed(deploymentId);
    }
  }
  await f.settle();
  lead = await f.as('lead-lou', ['deployment-lead']);
  // G2: the lead's actions on a plan into prod need a lead grant there (a role alone is not enough).
  await f.grant({ principal: 'lead-lou', privilege: 'lead', scope: { environment: 'prod' } });
  other = await f.as('dana', ['deployment-lead']);
  sre = ops;
}, 60_000);
afterAll(() => f?.close());

describe('a release planned in waves', () => {
  it('refuses a cycle, an unsatisfiable range, and unknown environments or services, appending nothing', async () => {
    await quiet();
    const before = await f.head();
    const cycle = await lead.post(
      '/plans',
      planBody({
        services: [
          {
            service: 'orders',
            version: '2.1.0',
            provides: [{ api: 'orders-api', version: '2.1.0' }],
            consumes: [{ api: 'search-api', range: '^1' }],
          },
          {
            service: 'search',
            version: '1.1.0',
            provides: [{ api: 'search-api', version: '1.1.0' }],
            consumes: [{ api: 'orders-api', range: '^2' }],
          },
        ],
        runbook: undefined,
      }),
    );
    expect(cycle.statusCode).toBe(422);
    expect(cycle.headers['content-type']).toContain('application/problem+json');
    expect(cycle.json()).toMatchObject({
      code: OrchestrationErrorCodes.PLAN_CYCLE,
      cycle: ['orders', 'search', 'orders'],
    });
    const range = await lead.post(
      '/plans',
      planBody({
        services: [services[1], { ...services[0], consumes: [{ api: 'orders-api', range: '^3.0.0' }] }],
        runbook: undefined,
      }),
    );
    expect(range.statusCode).toBe(422);
    expect(range.json().code).toBe(OrchestrationErrorCodes.PLAN_RANGE_UNSATISFIED);
    expect(range.json().detail).toContain('web needs orders-api ^3.0.0');
    expect(range.json().detail).toContain('orders provides orders-api 2.1.0');
    expect((await lead.post('/plans', planBody({ environments: ['staging', 'moon'] }))).json().code).toBe(
      OrchestrationErrorCodes.PLAN_ENVIRONMENT_UNKNOWN,
    );
    const unknown = await lead.post(
      '/plans',
      planBody({ services: [...services, { service: 'ghost', version: '1.0.0', provides: [], consumes: [] }] }),
    );
    expect(unknown.json().code).toBe(OrchestrationErrorCodes.PLAN_SERVICE_UNKNOWN);
    const badRunbook = planBody();
    badRunbook.runbook.steps[0]!.environment = 'dev';
    expect((await lead.post('/plans', badRunbook)).json().code).toBe(OrchestrationErrorCodes.RUNBOOK_INVALID);
    const extra = await lead.post('/plans', { ...planBody(), priority: 'high' });
    expect(extra.statusCode).toBe(400);
    const missing = await lead.post('/plans/0193aaaa-0000-7000-8000-00000000dead/pause', { reason: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe(OrchestrationErrorCodes.PLAN_NOT_FOUND);
    expect((await other.post('/plans', planBody({ ackTimeoutMinutes: 0 }))).statusCode).toBe(400);
    expect(await f.head()).toBe(before);
  });

  it('plans the provider and the independent service in wave 1, the consumers in wave 2', async () => {
    const res = await lead.post('/plans', planBody());
    expect(res.statusCode).toBe(201);
    planId = res.json().planId;
    expect(
      res
        .json()
        .waves.map((w: { environment: string; services: string[] }) => `${w.environment}:${w.services.join('+')}`),
    ).toEqual(['staging:orders+search', 'staging:web+mobile-bff', 'prod:orders+search', 'prod:web+mobile-bff']);
    expect(await planTypes()).toEqual(['RolloutPlanCreated', 'RunbookAttached', 'PlanFlagsDeclared']);
    const migration = (over: Record<string, unknown>) =>
      lead.post(`/plans/${planId}/migrations`, { service: 'orders', ...over });
    expect(
      (
        await migration({
          migrationId: 'orders-001-add-status',
          sequence: 1,
          kind: 'expand',
          compatibleWith: '>=2.0.0',
          down: 'ALTER TABLE orders DROP COLUMN status',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await migration({
          migrationId: 'orders-002-drop-state',
          sequence: 2,
          kind: 'contract',
          compatibleWith: '>=2.1.0',
          down: null,
          irreversible: true,
        })
      ).statusCode,
    ).toBe(201);
    const bad = await migration({
      migrationId: 'orders-003',
      sequence: 3,
      kind: 'migrate',
      compatibleWith: '*',
      down: null,
    });
    expect(bad.json().code).toBe(OrchestrationErrorCodes.MIGRATION_INVALID);
  });

  it('refuses a pause from anyone but the lead', async () => {
    expect((await lead.post(`/plans/${planId}/promote`, { reason: 'CAB approved' })).json().status).toBe('running');
    await quiet();
    const before = await f.head();
    const res = await other.post(`/plans/${planId}/pause`, { reason: 'I think not' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(OrchestrationErrorCodes.PLAN_NOT_LEAD);
    // G2: an admin acts as the lead, but the plan goes to prod: without a lead grant there, 403 and nothing recorded.
    const admin = await f.as('root-al', ['admin']);
    for (const action of ['pause', 'abort', 'rollback']) {
      const refused = await admin.post(`/plans/${planId}/${action}`, { reason: 'I am admin' });
      expect([refused.statusCode, refused.json().code]).toEqual([403, OrchestrationErrorCodes.GRANT_REQUIRED]);
      expect(refused.json()).toMatchObject({ principal: 'root-al', privileges: ['lead'], environment: 'prod' });
    }
    expect(await f.head()).toBe(before);
  });

  it('runs the expand migration first, and opens wave 2 only after wave 1 succeeded', async () => {
    const orders = await request('orders', 'staging', '2.1.0');
    expect(orders.admission).toMatchObject({ decision: 'wait', planId });
    expect(orders.admission.reason).toContain('orders-001-add-status');
    const search = await request('search', 'staging', '1.1.0');
    expect(search.admission.decision).toBe('start');
    const web = await request('web', 'staging', '1.1.0');
    expect(web.admission).toMatchObject({ decision: 'wait' });
    expect((await request('web', 'staging', '9.9.9')).admission).toMatchObject({ decision: 'refuse', check: 'plan' });

    const run = await sre.post(`/plans/${planId}/migrations/orders-001-add-status/runs`, {
      environment: 'staging',
      outcome: 'succeeded',
      executor: 'flyway-job',
    });
    expect(run.statusCode).toBe(201);
    await started(orders.deploymentId);

    await d.succeed(orders.deploymentId);
    await untilPlan(
      'orders to count as succeeded',
      (t) => t.filter((x) => x === 'PlanDeploymentProgressed').length >= 3,
    );
    expect(await planTypes()).not.toContain('PlanWaveCompleted');
    expect(await deploymentTypes(web.deploymentId)).not.toContain('DeploymentStarted');

    await d.succeed(search.deploymentId);
    await started(web.deploymentId);
    const events = await f.events(rolloutPlanStream(planId));
    const completed = events.findIndex((e) => e.type === 'PlanWaveCompleted');
    const wave2 = events.findIndex((e) => e.type === 'PlanWaveStarted' && (e.data as { stage: number }).stage === 1);
    expect(completed).toBeGreaterThan(0);
    expect(wave2).toBeGreaterThan(completed);
    const mobile = await request('mobile-bff', 'staging', '1.1.0');
    expect(mobile.admission.decision).toBe('start');
    await d.succeed(web.deploymentId);
    await d.succeed(mobile.deploymentId);
    await untilPlan('prod wave 1 to open', (t) => t.filter((x) => x === 'PlanWaveStarted').length === 3);
  });

  it('refuses the contract migration until every consumer runs a compatible version in every environment', async () => {
    await f.settle();
    await quiet();
    const before = await f.head();
    const early = await sre.post(`/plans/${planId}/migrations/orders-002-drop-state/runs`, {
      environment: 'staging',
      outcome: 'succeeded',
      executor: 'flyway-job',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe(OrchestrationErrorCodes.MIGRATION_CONSUMERS_NOT_READY);
    expect(early.json().detail).toContain('orders in prod runs 2.0.0');
    expect(await f.head()).toBe(before);

    await sre.post(`/plans/${planId}/migrations/orders-001-add-status/runs`, {
      environment: 'prod',
      outcome: 'succeeded',
      executor: 'flyway-job',
    });
    for (const wave of [
      ['orders', 'search'],
      ['web', 'mobile-bff'],
    ]) {
      const ids = [];
      for (const s of wave)
        ids.push((await request(s, 'prod', services.find((x) => x.service === s)!.version)).deploymentId);
      for (const id of ids) await started(id);
      for (const id of ids) await d.succeed(id);
    }
    await untilPlan(
      'every wave to complete',
      (t) => t.includes('RolloutPlanAwaitingRunbook') && t.includes('PlanFlagTurnedOn'),
    );
    await f.settle();
    for (const env of ENVS) {
      const ok = await sre.post(`/plans/${planId}/migrations/orders-002-drop-state/runs`, {
        environment: env,
        outcome: 'succeeded',
        executor: 'flyway-job',
      });
      expect(ok.statusCode).toBe(201);
    }
    const flagEvents = await f.events(streamName('flag', 'new-checkout'));
    expect(flagEvents.at(-1)).toMatchObject({ type: 'FlagStateChanged', data: { state: 'ENABLED' } });
  });

  it('completes only when the mandatory runbook steps are done', async () => {
    const plan = (await lead.get(`/plans/${planId}`)).json();
    expect(plan.status).toBe('awaiting-runbook');
    expect(plan.runbook.openMandatory).toEqual(['dns', 'monitoring']);
    const notOwner = await lead.post(`/plans/${planId}/runbook/steps/dns`, { outcome: 'done' });
    expect(notOwner.statusCode).toBe(403);
    expect(
      (await sre.post(`/plans/${planId}/runbook/steps/dns`, { outcome: 'done', evidence: '10.0.0.7' })).json().status,
    ).toBe('awaiting-runbook');
    expect((await sre.post(`/plans/${planId}/runbook/steps/cdn`, { outcome: 'skipped' })).json().code).toBe(
      OrchestrationErrorCodes.RUNBOOK_INVALID,
    );
    await sre.post(`/plans/${planId}/runbook/steps/cdn`, {
      outcome: 'skipped',
      reason: 'CDN not in front of the API yet',
    });
    expect((await sre.post(`/plans/${planId}/runbook/steps/monitoring`, { outcome: 'done' })).json().status).toBe(
      'completed',
    );
    const finished = await lead.post(`/plans/${planId}/pause`, { reason: 'too late' });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().code).toBe(OrchestrationErrorCodes.PLAN_FINISHED);
  });

  it('derives a compensation that refuses to cross the contracted schema', async () => {
    const res = await lead.get(`/plans/${planId}/rollback-plan`);
    const steps = res.json().steps as {
      kind: string;
      service?: string;
      environment?: string;
      migrationId?: string;
      key?: string;
    }[];
    expect(steps[0]).toEqual({ kind: 'kill-flag', key: 'new-checkout' });
    expect(steps.slice(1, 3).map((s) => `${s.kind}:${s.service}@${s.environment}`)).toEqual([
      'rollback-deployment:mobile-bff@prod',
      'rollback-deployment:web@prod',
    ]);
    const refused = steps.filter((s) => s.kind === 'refused');
    expect(refused.map((s) => `${s.service}@${s.environment}:${s.migrationId}`)).toEqual([
      'orders@prod:orders-002-drop-state',
      'orders@staging:orders-002-drop-state',
    ]);
    const guard = f.runtime.plans.migrationGuard;
    expect(
      await guard.rollbackAllowed({ service: 'orders', environment: 'prod', fromVersion: '2.1.0', toVersion: '2.0.0' }),
    ).toMatchObject({
      allowed: false,
      migrationId: 'orders-002-drop-state',
    });
    expect(
      await guard.rollbackAllowed({ service: 'web', environment: 'prod', fromVersion: '1.1.0', toVersion: '1.0.0' }),
    ).toEqual({ allowed: true });
    await f.settle();
    const list = (await lead.get(`/plans?releaseId=${RELEASE}`)).json();
    expect(list.items.map((p: { planId: string; status: string }) => [p.planId, p.status])).toEqual([
      [planId, 'completed'],
    ]);
  });
});
