import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { deploymentStream, streamName } from '@railyard/contracts';
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
 * Issue 11's deployment story over HTTP and NATS, with the reference agent on loopback: pipeline runs reach their
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
const h: Record<string, { authorization: string }> = {};

beforeAll(async () => {
  infra = await startScenarioInfra('deployScenario');
  ({ db, store, pool, nc, prefix } = infra);
  const streams = infra.streams;
  const auth = { secret: SECRET, apiKeys: [{ id: 'ci-jenkins', roles: ['deployer'], sha256: hashApiKey(CI_KEY) }] };
  agent = createDeployAgent({ requestSecret: agentSecret, callbackSecret, callbackRetryMs: [50, 200, 1000] });
  const agentUrl = await agent.listen();
  orchestration = await startOrchestrationRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth,
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
    sealIntervalMs: false,
    schedulerIntervalMs: false,
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
    logger: createLogger({ name: 'pipeline', level: 'silent' }),
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
  // The artifact and monitoring services' relays, as they run in their own processes.
  // Governance's relay too: its grants reach the enforcing services' ledgers over NATS (G2).
  await infra.startRelays(['artifact', 'monitoring', 'governance']);
  for (const [sub, roles] of [
    ['rm-ana', ['release-manager']],
    ['dev-ana', ['developer']],
    ['sre-sam', ['sre']],
  ] as const) {
    h[sub] = { authorization: `Bearer ${await signDevToken({ sub, roles: [...roles], secret: SECRET })}` };
  }
  // G2: the runs' trigger (the requester of their prod deployments) and the lead hold grants on prod.
  await issueGrants(
    store,
    pool,
    ['orchestration'],
    [{ principal: 'dev-ana', privilege: 'deploy', scope: { environment: 'prod' } }],
  );
  // Orchestration knows the environment; pipeline knows the service's pipeline and security policy.
  const env = await inject(orchestration.app, 'POST', '/environments', h['sre-sam']!, {
    name: 'prod',
    service: 'checkout',
    tier: 'prod',
    region: 'eu',
    iac: { template: 'git@infra:modules/checkout', version: '4.2.0', parameters: { replicas: 2 } },
  });
  expect(env.statusCode, env.body).toBe(201);
  const policy = await inject(pipeline.app, 'PUT', '/security-policies/default', h['sre-sam']!, {
    rules: [{ id: 'no-critical', description: 'none', expression: "finding.severity == 'critical'", maxCount: 0 }],
    reason: 'AppSec standard',
  });
  expect(policy.statusCode, policy.body).toBe(200);
  const def = await inject(pipeline.app, 'PUT', '/services/checkout/pipeline-definition', h['rm-ana']!, {
    tier: 'critical',
    stages: [
      { kind: 'build', name: 'build' },
      { kind: 'test', name: 'test' },
      { kind: 'deploy', name: 'prod', environment: 'prod' },
      { kind: 'verify', name: 'verify', environment: 'prod' },
    ],
  });
  expect(def.statusCode, def.body).toBe(200);
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
  await orchestration?.close();
  await agent?.close();
  await infra?.close();
});

/** Registers the artifact as the artifact service would, then runs the pipeline up to its deploy stage. */
async function runToDeploy(version: string): Promise<{ runId: string; deploymentId: string }> {
  const artifactId = randomUUID();
  const sha256 = version.replaceAll('.', '').padEnd(64, 'e').slice(0, 64);
  await store.append(
    streamName('artifact', artifactId),
    [
      {
        id: randomUUID(),
        type: 'ArtifactRegistered',
        data: {
          artifactId,
          name: 'checkout',
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
  await until(`checkout@${version} in the gates`, async () =>
    (await inject(pipeline.app, 'GET', `/artifacts/checkout/${version}/gates`, h['dev-ana']!)).statusCode === 200
      ? true
      : undefined,
  );
  const started = await inject(pipeline.app, 'POST', '/runs', h['dev-ana']!, {
    service: 'checkout',
    artifact: { name: 'checkout', version },
    changeAuthor: 'dev-bo',
  });
  expect(started.statusCode, started.body).toBe(201);
  const runId = started.json().id as string;
  // Its load test becomes the baseline when the release is accepted.
  const load = await inject(pipeline.app, 'POST', `/runs/${runId}/load-tests`, ci, {
    environment: 'prod',
    metrics: { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 500, errorRate: 0.001 },
  });
  expect(load.statusCode, load.body).toBe(201);
  for (const stage of [0, 1]) {
    await inject(pipeline.app, 'POST', `/runs/${runId}/stages/${stage}/claim`, ci);
    const res = await inject(pipeline.app, 'POST', `/runs/${runId}/stages/${stage}/result`, ci, { outcome: 'passed' });
    expect(res.statusCode, res.body).toBe(200);
  }
  const claim = await inject(pipeline.app, 'POST', `/runs/${runId}/stages/2/claim`, ci);
  expect(claim.statusCode, claim.body).toBe(200);
  const requested = (await store.readStream(streamName('pipelineRun', runId))).find(
    (e) => e.type === 'DeploymentRequested',
  )!;
  return { runId, deploymentId: requested.id };
}

const typesOf = async (id: string) => (await store.readStream(deploymentStream(id))).map((e) => e.type);
const runAt = (runId: string, stage: number) =>
  until(`run ${runId} at stage ${stage}`, async () => {
    const run = (await inject(pipeline.app, 'GET', `/runs/${runId}`, h['dev-ana']!)).json();
    return run.currentStage === stage ? run : undefined;
  });

describe('deployments from pipeline, executed through the reference agent', () => {
  let first: { runId: string; deploymentId: string };
  let second: { runId: string; deploymentId: string };

  it('deploys a first release as a canary; the run reaches verify on its own and is accepted', async () => {
    first = await runToDeploy('1.0.0');
    await until('the first deployment to succeed', async () =>
      (await typesOf(first.deploymentId)).includes('DeploymentSucceeded') ? true : undefined,
    );
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
    await runAt(first.runId, 3);
    await inject(pipeline.app, 'POST', `/runs/${first.runId}/stages/3/claim`, ci);
    const verified = await inject(pipeline.app, 'POST', `/runs/${first.runId}/stages/3/result`, ci, {
      outcome: 'passed',
    });
    expect(verified.json().status).toBe('succeeded');
    const accepted = await inject(pipeline.app, 'POST', `/runs/${first.runId}/accept`, h['rm-ana']!, {
      reason: 'Released',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().rollbackTarget).toMatchObject({ version: '1.0.0' });
  });

  it('deploys the second release through every canary step, refusing a forged callback on the way', async () => {
    second = await runToDeploy('2.0.0');
    const forgedBody = JSON.stringify({
      requestId: randomUUID(),
      deploymentId: second.deploymentId,
      step: 0,
      action: 'set-weight',
      outcome: 'succeeded',
      live: { version: '2.0.0', weight: 100 },
      detail: 'forged',
    });
    const at = new Date();
    const forged = await fetch(`${orchestrationUrl}/deployments/callbacks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'forged-1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        // Signed with a key that is not the agent's.
        'webhook-signature': new Webhook(agentSecret).sign('forged-1', at, forgedBody),
      },
      body: forgedBody,
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    await until('the second deployment to succeed', async () =>
      (await typesOf(second.deploymentId)).includes('DeploymentSucceeded') ? true : undefined,
    );
    const events = await store.readStream(deploymentStream(second.deploymentId));
    // The agent's verified callbacks record its steps; orchestration's own timer ends the pause.
    expect(events.filter((e) => e.type === 'DeploymentStepCompleted').map((e) => e.metadata.actor.id)).toEqual([
      'deploy-agent',
      'orchestration-deployments',
      'deploy-agent',
      'deploy-agent',
    ]);
    const weights = events
      .filter((e) => e.type === 'DeploymentStepCompleted')
      .map((e) => (e.data as { live: { weight: number } | null }).live?.weight);
    expect(weights).toEqual([25, 25, 50, 100]);
    // The deployment joined the run's correlation: one export shows the request and its execution.
    const requested = (await store.readStream(streamName('pipelineRun', second.runId))).find(
      (e) => e.type === 'DeploymentRequested',
    )!;
    expect(new Set(events.map((e) => e.metadata.correlationId))).toEqual(new Set([requested.metadata.correlationId]));
  });

  it('advances the run to verify without anyone posting the deploy result', async () => {
    await runAt(second.runId, 3);
    const reported = (await store.readStream(streamName('pipelineRun', second.runId))).filter(
      (e) => e.type === 'StageReported',
    );
    expect(reported.at(-1)?.data).toMatchObject({ stage: 2, outcome: 'passed', executor: 'orchestration' });
  });

  it("rolls the release back on monitoring's RollbackTriggered, with the pre-rollback snapshot", async () => {
    const observed = { value: 0.12, samples: { count: 300, min: 0, max: 1, mean: 0.12, last: 1 } };
    const triggerId = randomUUID();
    // Monitoring watches the deployment in the change it belongs to: its trigger carries the same correlation.
    const requested = (await store.readStream(streamName('pipelineRun', second.runId))).find(
      (e) => e.type === 'DeploymentRequested',
    )!;
    await store.append(
      streamName('deploymentWatch', second.deploymentId),
      [
        {
          id: triggerId,
          type: 'RollbackTriggered',
          data: {
            deploymentId: second.deploymentId,
            releaseId: null,
            service: 'checkout',
            environment: 'prod',
            criterion: { kind: 'error-rate', metric: 'http_request_errors_ratio', threshold: 0.05, windowSeconds: 300 },
            observed,
            judgementId: null,
            firstBadSampleAt: new Date().toISOString(),
            reason: 'Error rate 12% over the 5% criterion.',
          },
          metadata: metadata('monitoring', requested.metadata.correlationId),
        },
      ],
      'noStream',
    );
    await until('the rollback to complete', async () =>
      (await typesOf(second.deploymentId)).includes('DeploymentRolledBack') ? true : undefined,
    );
    const events = await store.readStream(deploymentStream(second.deploymentId));
    const started = events.find((e) => e.type === 'DeploymentRollbackStarted')!;
    expect(started.data).toMatchObject({
      to: { version: '1.0.0' },
      trigger: { kind: 'monitoring', triggerId, by: 'monitoring' },
      snapshot: {
        live: [
          { service: 'checkout', environment: 'prod', version: '2.0.0', weight: 100 },
          { service: 'checkout', environment: 'prod', version: '1.0.0', weight: 0 },
        ],
        flags: [],
        metrics: { observed, criterion: { kind: 'error-rate' } },
      },
    });
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
    const view = (await inject(orchestration.app, 'GET', `/deployments/${second.deploymentId}`, h['dev-ana']!)).json();
    expect(view.status).toBe('rolled-back');
    expect(view.steps.at(-1)).toMatchObject({ step: { action: 'rollback' }, status: 'succeeded', rollback: true });
  });

  it('is one story in `railyard export --correlation` of the promotion', async () => {
    const requested = (await store.readStream(streamName('pipelineRun', second.runId))).find(
      (e) => e.type === 'DeploymentRequested',
    )!;
    const result = await runCli(['export', '--correlation', requested.metadata.correlationId], {
      DATABASE_URL: db.url,
    });
    expect(result.code, result.stderr).toBe(0);
    const bundle = JSON.parse(result.stdout) as { events: { type: string }[]; verification: { ok: boolean } };
    const types = bundle.events.map((e) => e.type);
    for (const type of [
      'DeploymentRequested',
      'DeploymentScheduled',
      'DeploymentStarted',
      'DeploymentStepCompleted',
      'DeploymentSucceeded',
      'StageReported',
      'RollbackTriggered',
      'DeploymentRollbackStarted',
      'DeploymentRolledBack',
    ]) {
      expect(types).toContain(type);
    }
    expect(bundle.verification.ok).toBe(true);
  });
});
