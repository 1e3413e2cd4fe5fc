import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { deploymentStream, OrchestrationErrorCodes, streamName } from '@railyard/contracts';
import { createDeployAgent, type DeployAgent } from '@railyard/deploy-agent';
import type { PostgresEventStore } from '@railyard/eventstore';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { type PipelineRuntime, startPipelineRuntime } from '@railyard/pipeline/runtime';
import { createLogger, hashApiKey, signDevToken } from '@railyard/service-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueGrants } from './test-support/grants.js';
import { inject, metadata, type ScenarioInfra, startScenarioInfra, until } from './test-support/release-stack.js';

/**
 * Issue 11, O6 with the REAL wiring of runtime.ts: a canary step held until promoted (`pause: 'until-promoted'`,
 * Argo Rollouts' indefinite `pause: {}` as an idea) asks the plan's lead for a decision; nobody acknowledges within
 * the plan's ack timeout (plan minutes of 1 ms here), so the escalation scheduler hands the decision to the next
 * person of the escalation list, who acknowledges it; that promotes the held deployment through
 * DeploymentControl.promote and the canary completes through the reference agent on loopback.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const CI_KEY = 'ci-jenkins-scenario-api-key-0123456789';
const ci = { authorization: `ApiKey ${CI_KEY}` };
const agentSecret = `whsec_${Buffer.from('scenario-agent-request-secret').toString('base64')}`;
const callbackSecret = `whsec_${Buffer.from('scenario-agent-callback-secret').toString('base64')}`;
const canary = {
  type: 'canary' as const,
  steps: [{ weight: 25, pauseMinutes: 0, pause: 'until-promoted' as const }],
};

let infra: ScenarioInfra;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;
let prefix: string;
let agent: DeployAgent;
let orchestration: OrchestrationRuntime;
let pipeline: PipelineRuntime;
let orchestrationUrl = '';
const h: Record<string, Record<string, string>> = {};

const RELEASE = '0193bbbb-0000-7000-8000-000000000077';
const RELEASE_2 = '0193bbbb-0000-7000-8000-000000000078';
const rel = (headers: Record<string, string>) => ({ ...headers, 'x-correlation-id': `release-${RELEASE}` });

beforeAll(async () => {
  infra = await startScenarioInfra('heldCanary');
  ({ store, pool, nc, prefix } = infra);
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
      // The escalation's next person answers the decision, which promotes the canary: a lead grant too.
      { principal: 'sre-sam', privilege: 'lead', scope: { environment: 'prod' } },
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
  for (const service of ['orders']) {
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
interface DecisionView {
  decisionId: string;
  kind: string;
  deploymentId: string | null;
  askedOf: string;
  level: number;
  acknowledged: boolean;
}
const decisionsOf = async (planId: string): Promise<DecisionView[]> =>
  (await inject(orchestration.app, 'GET', `/plans/${planId}`, h['lead-lou']!)).json().decisions;

describe('a canary held until promoted, in a plan whose lead does not answer', () => {
  let planId = '';
  let run: Run;

  it('asks the lead, escalates to the next person after the ack timeout, and their acknowledgement promotes it', async () => {
    const plan = await inject(orchestration.app, 'POST', '/plans', rel(h['lead-lou']!), {
      releaseId: RELEASE,
      environments: ['prod'],
      services: [{ service: 'orders', version: '2.1.0', provides: [], consumes: [] }],
      lead: 'lead-lou',
      escalation: ['sre-sam'],
      ackTimeoutMinutes: 5,
    });
    expect(plan.statusCode, plan.body).toBe(201);
    planId = plan.json().planId;
    const promoted = await inject(orchestration.app, 'POST', `/plans/${planId}/promote`, rel(h['lead-lou']!), {
      reason: 'CAB approved',
    });
    expect(promoted.json().status, promoted.body).toBe('running');

    run = await runToDeploy('orders', '2.1.0', RELEASE);
    // Held at the pause: the plan asks its lead.
    const asked = await until('the lead to be asked', async () => {
      const [d] = await decisionsOf(planId);
      return d?.level === 0 ? d : undefined;
    });
    expect(asked).toMatchObject({ kind: 'canary-paused', deploymentId: run.deploymentId, askedOf: 'lead-lou' });
    const steps = (await store.readStream(deploymentStream(run.deploymentId)))
      .filter((e) => e.type === 'DeploymentStepStarted')
      .map((e) => (e.data as { step: { action: string; pauseMinutes?: number } }).step);
    expect(steps.at(-1)).toEqual({ step: 1, action: 'pause', pauseMinutes: 0 });
    expect(agent.fleet.target('orders', 'prod').live).toContainEqual({ version: '2.1.0', weight: 25 });

    // Nobody acknowledges: past the ack timeout, the scheduler escalates to the next person.
    const escalated = await until('the escalation to sre-sam', async () => {
      await orchestration.plans.workers.escalations.tick();
      const [d] = await decisionsOf(planId);
      return d?.askedOf === 'sre-sam' ? d : undefined;
    });
    expect(escalated).toMatchObject({ level: 1, acknowledged: false });
    // Still held: no timer ended the pause while the decision escalated.
    expect(await typesOf(run.deploymentId)).not.toContain('DeploymentPromoted');
    expect(await typesOf(run.deploymentId)).not.toContain('DeploymentSucceeded');

    // The lead's plain acknowledgement is not needed: the person now asked answers, which promotes the canary.
    const ack = await inject(
      orchestration.app,
      'POST',
      `/plans/${planId}/decisions/${escalated.decisionId}/acknowledge`,
      rel(h['sre-sam']!),
      { note: 'Canary metrics are fine.' },
    );
    expect(ack.statusCode, ack.body).toBe(200);
    await reaches(run.deploymentId, 'DeploymentSucceeded');
    const events = await store.readStream(deploymentStream(run.deploymentId));
    expect(events.find((e) => e.type === 'DeploymentPromoted')?.data).toMatchObject({
      deploymentId: run.deploymentId,
      planId,
      step: 1,
      by: 'sre-sam',
    });
    expect(agent.fleet.target('orders', 'prod').live).toEqual([{ version: '2.1.0', weight: 100 }]);
    expect((await decisionsOf(planId))[0]).toMatchObject({ acknowledged: true });
  }, 60_000);

  it("promoted on the deployment itself, answers the plan's decision so it escalates no further", async () => {
    const plan = await inject(orchestration.app, 'POST', '/plans', h['lead-lou']!, {
      releaseId: RELEASE_2,
      environments: ['prod'],
      services: [{ service: 'orders', version: '2.2.0', provides: [], consumes: [] }],
      lead: 'lead-lou',
      escalation: ['sre-sam'],
      ackTimeoutMinutes: 1440,
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const secondPlan = plan.json().planId as string;
    await inject(orchestration.app, 'POST', `/plans/${secondPlan}/promote`, h['lead-lou']!, { reason: 'go' });
    const second = await runToDeploy('orders', '2.2.0', RELEASE_2);
    await until('the lead to be asked', async () => ((await decisionsOf(secondPlan))[0] ? true : undefined));
    const res = await inject(orchestration.app, 'POST', `/deployments/${second.deploymentId}/promote`, h['lead-lou']!, {
      reason: 'Looks good.',
    });
    expect(res.statusCode, res.body).toBe(200);
    await reaches(second.deploymentId, 'DeploymentSucceeded');
    const answered = await until('the decision to be acknowledged', async () => {
      const [d] = await decisionsOf(secondPlan);
      return d?.acknowledged ? d : undefined;
    });
    expect(answered).toMatchObject({ askedOf: 'lead-lou', level: 0, deploymentId: second.deploymentId });
  }, 60_000);

  it('refuses a promotion of a deployment no longer held, with problem+json, and changes nothing', async () => {
    const before = await typesOf(run.deploymentId);
    const res = await inject(orchestration.app, 'POST', `/deployments/${run.deploymentId}/promote`, h['lead-lou']!, {
      reason: 'again',
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(OrchestrationErrorCodes.DEPLOYMENT_NOT_HELD);
    expect(await typesOf(run.deploymentId)).toEqual(before);
    const forbidden = await inject(
      orchestration.app,
      'POST',
      `/deployments/${run.deploymentId}/promote`,
      h['dev-ana']!,
      {},
    );
    expect(forbidden.statusCode).toBe(403);
  });
});
