import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { deploymentStream, OrchestrationErrorCodes, rolloutPlanStream, streamName } from '@railyard/contracts';
import { createDeployAgent, type DeployAgent } from '@railyard/deploy-agent';
import type { PostgresEventStore } from '@railyard/eventstore';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { type PipelineRuntime, startPipelineRuntime } from '@railyard/pipeline/runtime';
import { createLogger, hashApiKey, signDevToken } from '@railyard/service-kit';
import type { TestDatabase } from '@railyard/testing';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/cli-harness.js';
import { issueGrants } from './test-support/grants.js';
import { inject, metadata, type ScenarioInfra, startScenarioInfra, until } from './test-support/release-stack.js';

/**
 * Issue 11's "Done means", end to end with the REAL wiring of runtime.ts (plans' WaveGate and MigrationGuard in
 * deployments, the forwarding DeploymentControl in plans), over HTTP and NATS with the reference agent on loopback:
 * a release of 4 services (orders provides orders-api, web and mobile-bff consume it, search is independent) planned
 * in 2 waves; the expand migration first; pipeline runs request the deployments, which run as canaries through the
 * agent; a forged callback is refused; the runs advance to verify on their own; the runbook completes; the contract
 * migration is refused until its consumers run a compatible version; a RollbackTriggered on the bus rolls web back
 * with its snapshot; `railyard export --correlation` of the release shows it all.
 *
 * (Former header of the one-deployment scenario:) Issue 11's deployment story over HTTP and NATS, with the reference agent on loopback: pipeline runs reach their
 * deploy stage, `DeploymentRequested` crosses the bus, orchestration executes a canary through the agent, a forged
 * callback is refused, the runs advance to verify on their own, and monitoring's `RollbackTriggered`, published on
 * the bus, rolls the second release back with its snapshot recorded. Services share one event store (as in
 * production) and one bus prefix; each runs its own relay and consumers.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const CI_KEY = 'ci-jenkins-scenario-api-key-0123456789';
const ci = { authorization: `ApiKey ${CI_KEY}` };
const agentSecret = `whsec_${Buffer.from('scenario-agent-request-secret').toString('base64')}`;
const callbackSecret = `whsec_${Buffer.from('scenario-agent-callback-secret').toString('base64')}`;
const canary = {
  type: 'canary' as const,
  steps: [
    { weight: 25, pauseMinutes: 1 },
    { weight: 50, pauseMinutes: 0 },
  ],
};

let infra: ScenarioInfra;
let db: TestDatabase;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;
let prefix: string;
let agent: DeployAgent;
let orchestration: OrchestrationRuntime;
let pipeline: PipelineRuntime;
let orchestrationUrl = '';
const h: Record<string, Record<string, string>> = {};

const RELEASE = '0193bbbb-0000-7000-8000-000000000011';
/** Every call of the release carries its correlation: one export shows the plan, the runs and the deployments. */
const CORRELATION = `release-${RELEASE}`;
const rel = (headers: Record<string, string>) => ({ ...headers, 'x-correlation-id': CORRELATION });
const SERVICES = ['orders', 'search', 'web', 'mobile-bff'] as const;
const planned = [
  { service: 'orders', version: '2.1.0', provides: [{ api: 'orders-api', version: '2.1.0' }], consumes: [] },
  { service: 'search', version: '1.1.0', provides: [], consumes: [] },
  { service: 'web', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '^2.1.0' }] },
  { service: 'mobile-bff', version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '>=2.1.0 <3' }] },
];
const today: Record<string, string> = { orders: '2.0.0', search: '1.0.0', web: '1.0.0', 'mobile-bff': '1.0.0' };

beforeAll(async () => {
  infra = await startScenarioInfra('releaseScenario');
  ({ db, store, pool, nc, prefix } = infra);
  const streams = infra.streams;
  const auth = { secret: SECRET, apiKeys: [{ id: 'ci-jenkins', roles: ['deployer'], sha256: hashApiKey(CI_KEY) }] };
  agent = createDeployAgent({ requestSecret: agentSecret, callbackSecret, callbackRetryMs: [50, 200, 1000] });
  const agentUrl = await agent.listen();
  // The real wiring: no deploymentControl option, so plans drive the deployments capability itself.
  orchestration = await startOrchestrationRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth,
    logger: createLogger({
      name: 'orchestration',
      level: process.env.SCENARIO_LOG ?? 'silent',
      destination: { write: (line: string) => void process.stderr.write(`LOG ${line}`) },
    }),
    sealIntervalMs: false,
    schedulerIntervalMs: false,
    minuteMs: 1,
    deployments: {
      agentUrl,
      agentSecret,
      callbackSecret,
      callbackUrl: () => `${orchestrationUrl}/deployments/callbacks`,
      minuteMs: 1,
      keepMinutes: 0,
      intervalMs: 50,
    },
  });
  await orchestration.app.listen({ host: '127.0.0.1', port: 0 });
  orchestrationUrl = `http://127.0.0.1:${(orchestration.app.server.address() as AddressInfo).port}`;
  pipeline = await startPipelineRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth,
    logger: createLogger({
      name: 'pipeline',
      level: process.env.SCENARIO_LOG ?? 'silent',
      destination: { write: (line: string) => void process.stderr.write(`LOG ${line}`) },
    }),
    sealIntervalMs: false,
    policies: {
      strategies: { critical: { prod: canary }, standard: {}, low: {} },
      performance: {
        environments: [],
        thresholds: { latencyRegression: 0.1, throughputDrop: 0.1, errorRateIncrease: 0.005 },
      },
      signatureRequiredIn: [],
    },
  });
  // Governance's relay too: its grants reach the enforcing services' ledgers over NATS (G2).
  await infra.startRelays(['artifact', 'monitoring', 'governance']);
  for (const [sub, roles] of [
    ['rm-ana', ['release-manager']],
    ['dev-ana', ['developer']],
    ['sre-sam', ['sre']],
    ['lead-lou', ['deployment-lead']],
  ] as const) {
    h[sub] = { authorization: `Bearer ${await signDevToken({ sub, roles: [...roles], secret: SECRET })}` };
  }
  // G2: the runs' trigger (the requester of their prod deployments) and the lead hold grants on prod.
  await issueGrants(
    store,
    pool,
    ['orchestration'],
    [
      { principal: 'dev-ana', privilege: 'deploy', scope: { environment: 'prod' } },
      { principal: 'lead-lou', privilege: 'lead', scope: { environment: 'prod' } },
    ],
  );
  const env = await inject(orchestration.app, 'POST', '/environments', h['sre-sam']!, {
    name: 'prod',
    service: 'orders',
    tier: 'prod',
    region: 'eu',
    iac: { template: 'git@infra:modules/shop', version: '4.2.0', parameters: { replicas: 2 } },
  });
  expect(env.statusCode, env.body).toBe(201);
  const policy = await inject(pipeline.app, 'PUT', '/security-policies/default', h['sre-sam']!, {
    rules: [{ id: 'no-critical', description: 'none', expression: "finding.severity == 'critical'", maxCount: 0 }],
    reason: 'AppSec standard',
  });
  expect(policy.statusCode, policy.body).toBe(200);
  for (const service of SERVICES) {
    const def = await inject(pipeline.app, 'PUT', `/services/${service}/pipeline-definition`, h['rm-ana']!, {
      tier: 'critical',
      stages: [
        { kind: 'build', name: 'build' },
        { kind: 'test', name: 'test' },
        { kind: 'deploy', name: 'prod', environment: 'prod' },
        { kind: 'verify', name: 'verify', environment: 'prod' },
      ],
    });
    expect(def.statusCode, def.body).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
  await orchestration?.close();
  await agent?.close();
  await infra?.close();
});

interface Run {
  service: string;
  version: string;
  runId: string;
  deploymentId: string;
}

/** Registers the artifact as the artifact service would, then runs the pipeline up to its deploy stage. */
async function runToDeploy(service: string, version: string, releaseId?: string): Promise<Run> {
  const headers = (x: Record<string, string>) => (releaseId ? rel(x) : x);
  const artifactId = randomUUID();
  const sha256 = `${service}${version}`
    .replaceAll(/[^0-9a-f]/g, 'e')
    .padEnd(64, 'e')
    .slice(0, 64);
  await store.append(
    streamName('artifact', artifactId),
    [
      {
        id: randomUUID(),
        type: 'ArtifactRegistered',
        data: {
          artifactId,
          name: service,
          kind: 'service',
          version,
          sha256,
          size: 10,
          storage: 'internal',
          stability: 'release',
          auditClass: 'standard',
        },
        metadata: metadata('artifact-service'),
      },
    ],
    'noStream',
  );
  await until(`${service}@${version} in the gates`, async () =>
    (await inject(pipeline.app, 'GET', `/artifacts/${service}/${version}/gates`, h['dev-ana']!)).statusCode === 200
      ? true
      : undefined,
  );
  const started = await inject(pipeline.app, 'POST', '/runs', headers(h['dev-ana']!), {
    service,
    artifact: { name: service, version },
    changeAuthor: 'dev-bo',
    ...(releaseId ? { releaseId } : {}),
  });
  expect(started.statusCode, started.body).toBe(201);
  const runId = started.json().id as string;
  const load = await inject(pipeline.app, 'POST', `/runs/${runId}/load-tests`, headers(ci), {
    environment: 'prod',
    metrics: { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 500, errorRate: 0.001 },
  });
  expect(load.statusCode, load.body).toBe(201);
  for (const stage of [0, 1]) {
    await inject(pipeline.app, 'POST', `/runs/${runId}/stages/${stage}/claim`, headers(ci));
    const res = await inject(pipeline.app, 'POST', `/runs/${runId}/stages/${stage}/result`, headers(ci), {
      outcome: 'passed',
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const claim = await inject(pipeline.app, 'POST', `/runs/${runId}/stages/2/claim`, headers(ci));
  expect(claim.statusCode, claim.body).toBe(200);
  const requested = (await store.readStream(streamName('pipelineRun', runId))).find(
    (e) => e.type === 'DeploymentRequested',
  )!;
  return { service, version, runId, deploymentId: requested.id };
}

const typesOf = async (id: string) => (await store.readStream(deploymentStream(id))).map((e) => e.type);
const reaches = (id: string, type: string) =>
  until(`${id} to record ${type}`, async () => ((await typesOf(id)).includes(type) ? true : undefined), 30_000);
const runAt = (runId: string, stage: number) =>
  until(`run ${runId} at stage ${stage}`, async () => {
    const run = (await inject(pipeline.app, 'GET', `/runs/${runId}`, h['dev-ana']!)).json();
    return run.currentStage === stage ? run : undefined;
  });
/** Verifies and accepts a run that reached verify: its version becomes the next run's rollback target. */
async function verifyAndAccept(run: Run, releaseId?: string) {
  const headers = (x: Record<string, string>) => (releaseId ? rel(x) : x);
  await runAt(run.runId, 3);
  await inject(pipeline.app, 'POST', `/runs/${run.runId}/stages/3/claim`, headers(ci));
  const verified = await inject(pipeline.app, 'POST', `/runs/${run.runId}/stages/3/result`, headers(ci), {
    outcome: 'passed',
  });
  expect(verified.json().status, verified.body).toBe('succeeded');
  const accepted = await inject(pipeline.app, 'POST', `/runs/${run.runId}/accept`, headers(h['rm-ana']!), {
    reason: 'Released',
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
}
const planTypes = async (planId: string) => (await store.readStream(rolloutPlanStream(planId))).map((e) => e.type);

describe('a release of 4 services planned in 2 waves, executed through the reference agent', () => {
  const runs: Record<string, Run> = {};
  let planId = '';
  let startedAt = 0;

  it('deploys what runs today, without a plan: every service is known with a rollback target', async () => {
    startedAt = performance.now();
    for (const service of SERVICES) {
      const run = await runToDeploy(service, today[service]!);
      await reaches(run.deploymentId, 'DeploymentSucceeded');
      await verifyAndAccept(run);
    }
    expect(agent.fleet.target('web', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
  });

  it('plans the provider and the independent service in wave 1, the consumers in wave 2', async () => {
    const flag = await inject(orchestration.app, 'POST', '/flags', h['dev-ana']!, {
      key: 'new-checkout',
      state: 'DISABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      reason: 'dark launch',
    });
    expect(flag.statusCode, flag.body).toBe(201);
    const res = await inject(orchestration.app, 'POST', '/plans', rel(h['lead-lou']!), {
      releaseId: RELEASE,
      environments: ['prod'],
      services: planned,
      lead: 'lead-lou',
      escalation: ['sre-sam'],
      ackTimeoutMinutes: 15,
      flags: [{ key: 'new-checkout', enableAfterWave: 2, killOnRollback: true }],
      runbook: {
        name: 'shop-release',
        version: 1,
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
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    planId = res.json().planId;
    expect(
      res
        .json()
        .waves.map((w: { environment: string; services: string[] }) => `${w.environment}:${w.services.join('+')}`),
    ).toEqual(['prod:orders+search', 'prod:web+mobile-bff']);
    for (const m of [
      {
        migrationId: 'orders-001-add-status',
        sequence: 1,
        kind: 'expand',
        compatibleWith: '>=2.0.0',
        down: 'ALTER TABLE orders DROP COLUMN status',
      },
      {
        migrationId: 'orders-002-drop-state',
        sequence: 2,
        kind: 'contract',
        compatibleWith: '>=2.1.0',
        down: null,
        irreversible: true,
      },
    ]) {
      const reg = await inject(orchestration.app, 'POST', `/plans/${planId}/migrations`, rel(h['lead-lou']!), {
        service: 'orders',
        ...m,
      });
      expect(reg.statusCode, reg.body).toBe(201);
    }
    const promoted = await inject(orchestration.app, 'POST', `/plans/${planId}/promote`, rel(h['lead-lou']!), {
      reason: 'CAB approved',
    });
    expect(promoted.json().status, promoted.body).toBe('running');
  });

  it('holds the provider until the expand migration ran, then deploys wave 1 as canaries; wave 2 waits', async () => {
    for (const s of planned) runs[s.service] = await runToDeploy(s.service, s.version, RELEASE);
    for (const s of SERVICES) await reaches(runs[s]!.deploymentId, 'DeploymentScheduled');
    // Search has nothing to wait for; orders waits for its expand migration, the consumers for wave 1.
    await reaches(runs.search!.deploymentId, 'DeploymentSucceeded');
    for (const s of ['orders', 'web', 'mobile-bff'])
      expect(await typesOf(runs[s]!.deploymentId)).not.toContain('DeploymentStarted');
    const scheduled = (await store.readStream(deploymentStream(runs.orders!.deploymentId))).find(
      (e) => e.type === 'DeploymentScheduled',
    )!;
    expect(scheduled.data).toMatchObject({ planId });

    // The contract migration before anything runs the new version: refused, nothing appended.
    const early = await inject(
      orchestration.app,
      'POST',
      `/plans/${planId}/migrations/orders-002-drop-state/runs`,
      rel(h['sre-sam']!),
      { environment: 'prod', outcome: 'succeeded', executor: 'flyway-job' },
    );
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().code).toBe(OrchestrationErrorCodes.MIGRATION_CONSUMERS_NOT_READY);

    const expand = await inject(
      orchestration.app,
      'POST',
      `/plans/${planId}/migrations/orders-001-add-status/runs`,
      rel(h['sre-sam']!),
      { environment: 'prod', outcome: 'succeeded', executor: 'flyway-job' },
    );
    expect(expand.statusCode, expand.body).toBe(201);
    await reaches(runs.orders!.deploymentId, 'DeploymentStarted');
    const orders = await store.readStream(deploymentStream(runs.orders!.deploymentId));
    const startedOrders = orders.find((e) => e.type === 'DeploymentStarted')!;
    const expandRun = (await store.readStream(streamName('serviceSchema', 'orders'))).find(
      (e) => e.type === 'MigrationRunRecorded',
    );
    expect(expandRun).toBeDefined();
    expect(startedOrders.position).toBeGreaterThan(expandRun!.position);
  });

  it('refuses a forged callback for a running canary, changing nothing', async () => {
    const id = runs.orders!.deploymentId;
    const before = (await store.readStream(deploymentStream(id))).length;
    const forgedBody = JSON.stringify({
      requestId: randomUUID(),
      deploymentId: id,
      step: 0,
      action: 'set-weight',
      outcome: 'succeeded',
      live: { version: '2.1.0', weight: 100 },
      detail: 'forged',
    });
    const at = new Date();
    const forged = await fetch(`${orchestrationUrl}/deployments/callbacks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'forged-1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(agentSecret).sign('forged-1', at, forgedBody),
      },
      body: forgedBody,
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const events = await store.readStream(deploymentStream(id));
    expect(
      events
        .slice(before)
        .filter((e) => e.metadata.actor.id !== 'deploy-agent' && e.metadata.actor.id !== 'orchestration-deployments'),
    ).toEqual([]);
  });

  it('opens wave 2 only after wave 1 succeeded, and every run advances to verify on its own', async () => {
    await reaches(runs.orders!.deploymentId, 'DeploymentSucceeded');
    for (const s of ['web', 'mobile-bff']) await reaches(runs[s]!.deploymentId, 'DeploymentSucceeded');
    const plan = await store.readStream(rolloutPlanStream(planId));
    const completed = plan.findIndex((e) => e.type === 'PlanWaveCompleted');
    const wave2 = plan.findIndex((e) => e.type === 'PlanWaveStarted' && (e.data as { stage: number }).stage === 1);
    expect(completed).toBeGreaterThan(0);
    expect(wave2).toBeGreaterThan(completed);
    const webStarted = (await store.readStream(deploymentStream(runs.web!.deploymentId))).find(
      (e) => e.type === 'DeploymentStarted',
    )!;
    expect(webStarted.position).toBeGreaterThan(plan[completed]!.position);
    for (const s of SERVICES) {
      const events = await store.readStream(deploymentStream(runs[s]!.deploymentId));
      const weights = events
        .filter((e) => e.type === 'DeploymentStepCompleted')
        .map((e) => (e.data as { live: { weight: number } | null }).live?.weight);
      expect(weights, s).toEqual([25, 25, 50, 100]);
      expect(agent.fleet.target(s, 'prod').live).toEqual([{ version: runs[s]!.version, weight: 100 }]);
      await runAt(runs[s]!.runId, 3);
      const reported = (await store.readStream(streamName('pipelineRun', runs[s]!.runId))).filter(
        (e) => e.type === 'StageReported',
      );
      expect(reported.at(-1)?.data).toMatchObject({ stage: 2, outcome: 'passed', executor: 'orchestration' });
    }
    for (const s of SERVICES) await verifyAndAccept(runs[s]!, RELEASE);
  });

  it('allows the contract migration once the consumers run a compatible version, and completes the runbook', async () => {
    await until('every wave to complete', async () =>
      (await planTypes(planId)).includes('RolloutPlanAwaitingRunbook') ? true : undefined,
    );
    const contract = await inject(
      orchestration.app,
      'POST',
      `/plans/${planId}/migrations/orders-002-drop-state/runs`,
      rel(h['sre-sam']!),
      { environment: 'prod', outcome: 'succeeded', executor: 'flyway-job' },
    );
    expect(contract.statusCode, contract.body).toBe(201);
    const step = await inject(orchestration.app, 'POST', `/plans/${planId}/runbook/steps/dns`, rel(h['sre-sam']!), {
      outcome: 'done',
      evidence: '10.0.0.7',
    });
    expect(step.json().status, step.body).toBe('completed');
  });

  it("rolls web back on monitoring's RollbackTriggered from the bus, with the pre-rollback snapshot", async () => {
    const web = runs.web!;
    const observed = { value: 0.12, samples: { count: 300, min: 0, max: 1, mean: 0.12, last: 1 } };
    const triggerId = randomUUID();
    await store.append(
      streamName('deploymentWatch', web.deploymentId),
      [
        {
          id: triggerId,
          type: 'RollbackTriggered',
          data: {
            deploymentId: web.deploymentId,
            releaseId: RELEASE,
            service: 'web',
            environment: 'prod',
            criterion: { kind: 'error-rate', metric: 'http_request_errors_ratio', threshold: 0.05, windowSeconds: 300 },
            observed,
            judgementId: null,
            firstBadSampleAt: new Date().toISOString(),
            reason: 'Error rate 12% over the 5% criterion.',
          },
          metadata: metadata('monitoring', CORRELATION),
        },
      ],
      'noStream',
    );
    await reaches(web.deploymentId, 'DeploymentRolledBack');
    const events = await store.readStream(deploymentStream(web.deploymentId));
    expect(events.find((e) => e.type === 'DeploymentRollbackStarted')!.data).toMatchObject({
      to: { version: '1.0.0' },
      trigger: { kind: 'monitoring', triggerId, by: 'monitoring' },
      snapshot: {
        live: [
          { service: 'web', environment: 'prod', version: '1.1.0', weight: 100 },
          { service: 'web', environment: 'prod', version: '1.0.0', weight: 0 },
        ],
        // The plan turned the flag on after wave 2: the snapshot holds what it served.
        flags: [{ key: 'new-checkout', state: 'ENABLED', defaultVariant: 'off' }],
        metrics: { observed, criterion: { kind: 'error-rate' } },
      },
    });
    const view = (await inject(orchestration.app, 'GET', `/deployments/${web.deploymentId}`, h['dev-ana']!)).json();
    expect(view).toMatchObject({ status: 'rolled-back', planId });
    expect(agent.fleet.target('web', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
    // Only web rolled back: the others keep the release.
    expect(agent.fleet.target('orders', 'prod').live).toEqual([{ version: '2.1.0', weight: 100 }]);
  });

  it('refuses to roll orders back across its contracted migration, naming the migration', async () => {
    const orders = runs.orders!;
    await store.append(
      streamName('deploymentWatch', orders.deploymentId),
      [
        {
          id: randomUUID(),
          type: 'RollbackTriggered',
          data: {
            deploymentId: orders.deploymentId,
            releaseId: RELEASE,
            service: 'orders',
            environment: 'prod',
            criterion: { kind: 'error-rate', metric: 'http_request_errors_ratio', threshold: 0.05, windowSeconds: 300 },
            observed: { value: 0.2, samples: { count: 10, min: 0, max: 1, mean: 0.2, last: 1 } },
            judgementId: null,
            firstBadSampleAt: new Date().toISOString(),
            reason: 'Error rate 20%.',
          },
          metadata: metadata('monitoring', CORRELATION),
        },
      ],
      'noStream',
    );
    await reaches(orders.deploymentId, 'DeploymentRollbackFailed');
    const failed = (await store.readStream(deploymentStream(orders.deploymentId))).at(-1)!;
    expect(failed.type).toBe('DeploymentRollbackFailed');
    expect((failed.data as { reason: string }).reason).toContain('orders-002-drop-state');
    expect(agent.fleet.target('orders', 'prod').live).toEqual([{ version: '2.1.0', weight: 100 }]);
    // The plan hears of it; orders still serves 2.1.0, so the plan's compensation must still name it.
    await until('the plan to record the failed rollback', async () =>
      (await store.readStream(rolloutPlanStream(planId))).some(
        (e) =>
          e.type === 'PlanDeploymentProgressed' &&
          (e.data as { status: string; deploymentId: string }).status === 'rollback-failed' &&
          (e.data as { deploymentId: string }).deploymentId === orders.deploymentId,
      )
        ? true
        : undefined,
    );
  });

  it("rolls the plan back through the real deployments: waves in reverse, the contracted schema's refusal kept", async () => {
    // Web was already rolled back by monitoring: the compensation reverses what is still live, newest wave first.
    const planned = await inject(orchestration.app, 'GET', `/plans/${planId}/rollback-plan`, h['lead-lou']!);
    const steps = planned.json().steps as { kind: string; service?: string; key?: string; migrationId?: string }[];
    expect(steps.map((x) => `${x.kind}:${x.service ?? x.key}`)).toEqual([
      'kill-flag:new-checkout',
      'rollback-deployment:mobile-bff',
      'rollback-deployment:search',
      'refused:orders',
    ]);
    expect(steps.at(-1)?.migrationId).toBe('orders-002-drop-state');
    const res = await inject(orchestration.app, 'POST', `/plans/${planId}/rollback`, rel(h['lead-lou']!), {
      reason: 'error rate above the release criteria',
    });
    expect(res.statusCode, res.body).toBe(202);
    await until('the plan to be rolled back', async () =>
      (await planTypes(planId)).includes('RolloutPlanRolledBack') ? true : undefined,
    );
    const plan = await store.readStream(rolloutPlanStream(planId));
    expect(plan.at(-1)?.data, JSON.stringify(plan.slice(-14).map((e) => [e.type, e.data]))).toMatchObject({
      failedSteps: 0,
      refusedSteps: 1,
    });
    for (const s of ['mobile-bff', 'search', 'web']) {
      expect(agent.fleet.target(s, 'prod').live, s).toEqual([{ version: today[s], weight: 100 }]);
    }
    expect(agent.fleet.target('orders', 'prod').live).toEqual([{ version: '2.1.0', weight: 100 }]);
    expect((await store.readStream(streamName('flag', 'new-checkout'))).at(-1)?.type).toBe('FlagKilled');
    // The plan's rollback went through the deployments capability: each one recorded its own snapshot.
    const mobile = await store.readStream(deploymentStream(runs['mobile-bff']!.deploymentId));
    expect(mobile.find((e) => e.type === 'DeploymentRollbackStarted')?.data).toMatchObject({
      trigger: { by: 'lead-lou' },
      snapshot: {
        live: [
          { service: 'mobile-bff', version: '1.1.0', weight: 100 },
          { version: '1.0.0', weight: 0 },
        ],
      },
    });
  });

  it('is one story in `railyard export --correlation` of the release', async () => {
    const result = await runCli(['export', '--correlation', CORRELATION], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    const bundle = JSON.parse(result.stdout) as { events: { type: string }[]; verification: { ok: boolean } };
    const types = bundle.events.map((e) => e.type);
    for (const type of [
      'RolloutPlanCreated',
      'RunbookAttached',
      'PipelineRunStarted',
      'DeploymentRequested',
      'DeploymentScheduled',
      'DeploymentStarted',
      'DeploymentStepCompleted',
      'DeploymentSucceeded',
      'StageReported',
      'PlanWaveStarted',
      'PlanWaveCompleted',
      'MigrationRunRecorded',
      'RunbookStepRecorded',
      'RolloutPlanCompleted',
      'RollbackTriggered',
      'DeploymentRollbackStarted',
      'DeploymentRolledBack',
      'PlanRollbackStarted',
      'RolloutPlanRolledBack',
    ]) {
      expect(types).toContain(type);
    }
    expect(bundle.verification.ok).toBe(true);
    // Ad hoc measure for the report (not an assertion): the whole scenario's wall time.
    console.info(`release scenario wall time: ${Math.round(performance.now() - startedAt)} ms`);
  });
});
