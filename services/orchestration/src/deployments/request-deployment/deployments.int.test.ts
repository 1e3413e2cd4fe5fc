import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { jetstream } from '@nats-io/jetstream';
import { deploymentStream, streamName } from '@railyard/contracts';
import { createDeployAgent, type DeployAgent } from '@railyard/deploy-agent';
import { createRelay, type Relay } from '@railyard/messaging';
import { canonicalJson } from '@railyard/service-kit';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';
import { createDeploymentCommands } from '../deployment-store.js';
import { DEPLOYMENT_ACTOR } from '../execution/executor.js';

// Deployments from pipeline over NATS, executed through the webhook driver against the reference agent on loopback.
const agentSecret = `whsec_${Buffer.from('deployments-int-agent-secret').toString('base64')}`;
const callbackSecret = `whsec_${Buffer.from('deployments-int-callback-secret').toString('base64')}`;
const v1 = { name: 'checkout', version: '1.0.0', sha256: '1'.repeat(64) };
const v2 = { name: 'checkout', version: '2.0.0', sha256: '2'.repeat(64) };

let f: OrchestrationFixture;
let agent: DeployAgent;
let pipelineRelay: Relay;
let base = '';

beforeAll(async () => {
  agent = createDeployAgent({ requestSecret: agentSecret, callbackSecret, callbackRetryMs: [50, 200] });
  const agentUrl = await agent.listen();
  f = await startOrchestration('deployInt', {
    deployments: {
      agentUrl,
      agentSecret,
      callbackSecret,
      callbackUrl: () => `${base}/deployments/callbacks`,
      minuteMs: 1,
      keepMinutes: 0,
      intervalMs: 50,
    },
  });
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  // Pipeline's relay, as it runs in its own process: this store stands in for the shared one.
  pipelineRelay = createRelay({
    store: f.store,
    js: jetstream(f.nc),
    pool: f.pool,
    service: 'pipeline',
    subjectPrefix: f.bus.prefix,
    lockPollMs: 50,
  });
  await pipelineRelay.start();
  const sre = await f.as('sre-sam', ['sre']);
  for (const [name, tier] of [
    ['prod', 'prod'],
    ['staging', 'staging'],
  ] as const) {
    expect((await sre.post('/environments', environmentBody(name, tier))).statusCode).toBe(201);
  }
  agent.fleet.seed('checkout', 'prod', [{ version: '1.0.0', weight: 100 }]);
  // G2: the runs' trigger may deploy to prod, and the lead may roll back there.
  await f.grant({ principal: 'dev-ana', privilege: 'deploy', scope: { environment: 'prod' } });
  await f.grant({ principal: 'lead-lou', privilege: 'lead', scope: { tier: 'prod' } });
});
afterAll(async () => {
  await pipelineRelay?.stop();
  await f?.close();
  await agent?.close();
});

/**
 * Appends a run's start (triggered by `trigger`) and its DeploymentRequested as pipeline would (version 2, or a stored
 * version 1), claimed by the CI system; returns the request's event id. The run's trigger is the requester whose
 * deploy grant a prod deployment needs (G2).
 */
async function requestDeployment(
  over: Record<string, unknown> = {},
  schemaVersion = 2,
  trigger = 'dev-ana',
): Promise<string> {
  const runId = randomUUID();
  const id = randomUUID();
  await f.store.append(
    streamName('pipelineRun', runId),
    [
      {
        id: randomUUID(),
        type: 'PipelineRunStarted',
        data: {
          runId,
          service: 'checkout',
          definitionVersion: 1,
          stages: [{ kind: 'deploy', name: 'prod', environment: 'prod' }],
          securityPolicy: 'default',
          tier: 'standard',
          strategies: [],
          artifact: v2,
          changeAuthor: 'dev-bo',
          triggeredBy: trigger,
          releaseId: null,
          commits: [],
          reason: 'Run of checkout@2.0.0.',
        },
        metadata: {
          occurredAt: f.clock.now.toISOString(),
          actor: { id: trigger, kind: 'user', roles: ['developer'] },
          correlationId: runId,
          causationId: runId,
          schemaVersion: 2,
        },
      },
    ],
    'noStream',
  );
  const data: Record<string, unknown> = {
    runId,
    stage: 2,
    service: 'checkout',
    environment: 'prod',
    artifact: v2,
    strategy: { type: 'canary', steps: [{ weight: 20, pauseMinutes: 1 }] },
    rollbackTarget: v1,
    gates: [],
    reason: 'Every gate passed for prod.',
    ...(schemaVersion === 2
      ? { releaseId: null, commits: [{ sha: 'abc1234', committedAt: '2026-11-30T10:00:00Z' }] }
      : {}),
    ...over,
  };
  await f.store.append(
    streamName('pipelineRun', runId),
    [
      {
        id,
        type: 'DeploymentRequested',
        data,
        metadata: {
          occurredAt: f.clock.now.toISOString(),
          actor: { id: 'ci-jenkins', kind: 'system', roles: ['deployer'] },
          correlationId: runId,
          causationId: runId,
          schemaVersion,
        },
      },
    ],
    'any',
  );
  return id;
}

const typesOf = async (id: string) => (await f.events(deploymentStream(id))).map((e) => e.type);
const until = (id: string, type: string) =>
  f.until(`${type} in deployment ${id}`, async () => ((await typesOf(id)).includes(type) ? true : undefined), 15_000);

function signedCallback(body: object, id: string, at = new Date(), secret = callbackSecret) {
  const payload = JSON.stringify(body);
  return f.app.inject({
    method: 'POST',
    url: '/deployments/callbacks',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, payload),
    },
    payload,
  });
}

describe('a deployment requested by a pipeline run', () => {
  let id: string;

  it('is checked, started and executed as a canary through the agent, pause included', async () => {
    id = await requestDeployment();
    await until(id, 'DeploymentStarted');
    const started = (await f.events(deploymentStream(id))).find((e) => e.type === 'DeploymentStarted');
    expect(started?.data).toMatchObject({
      driver: 'webhook',
      steps: [
        { step: 0, action: 'set-weight', weight: 20 },
        { step: 1, action: 'pause', pauseMinutes: 1 },
        { step: 2, action: 'set-weight', weight: 100 },
      ],
    });
    const scheduled = (await f.events(deploymentStream(id)))[0]!;
    expect(scheduled).toMatchObject({ type: 'DeploymentScheduled', data: { environmentTier: 'prod', planId: null } });
    // The pause is measured on the service clock: it ends once the clock moved past it.
    await f.until('the pause to start', async () =>
      (await f.events(deploymentStream(id))).some(
        (e) => e.type === 'DeploymentStepStarted' && (e.data as { step: { action: string } }).step.action === 'pause',
      )
        ? true
        : undefined,
    );
    expect(agent.fleet.weightOf('checkout', 'prod', '2.0.0')).toBe(20);
    f.clock.now = new Date(f.clock.now.getTime() + 60_000);
    await until(id, 'DeploymentSucceeded');
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '2.0.0', weight: 100 }]);
    const types = await typesOf(id);
    expect(types.filter((t) => t === 'DeploymentStepCompleted')).toHaveLength(3);
  });

  it('refuses unsigned, forged and stale callbacks with 401, and a replay changes nothing', async () => {
    const head = await f.head();
    const body = {
      requestId: 'req-x',
      deploymentId: id,
      step: 0,
      action: 'set-weight',
      outcome: 'succeeded',
      live: null,
      detail: 'forged',
    };
    const unsigned = await f.app.inject({ method: 'POST', url: '/deployments/callbacks', payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    expect(unsigned.json().code).toBe('ORCHESTRATION_CALLBACK_SIGNATURE_INVALID');
    const forged = await signedCallback(body, 'cb-forged', new Date(), agentSecret);
    expect(forged.json()).toMatchObject({ status: 401, code: 'ORCHESTRATION_CALLBACK_SIGNATURE_INVALID' });
    const stale = await signedCallback(body, 'cb-stale', new Date(Date.now() - 6 * 60_000));
    expect(stale.json()).toMatchObject({ status: 401, code: 'ORCHESTRATION_CALLBACK_TIMESTAMP_STALE' });
    // The agent's own first callback, sent again with a fresh signature: the same webhook-id is a replay.
    const first = agent.delivered.find((d) => d.body.deploymentId === id)!;
    const replay = await signedCallback(first.body, first.callbackId);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ recorded: false, status: 'succeeded' });
    // Success for a step that was never started is refused.
    const never = await signedCallback({ ...body, requestId: randomUUID(), step: 1 }, 'cb-never');
    expect(never.statusCode).toBe(409);
    expect(never.json().code).toBe('ORCHESTRATION_DEPLOYMENT_STEP_NOT_STARTED');
    expect(await f.head()).toBe(head);
  });

  it('is listed and shown with its steps', async () => {
    const dev = await f.as('dev-dan', ['developer']);
    await f.settle();
    const list = await dev.get('/deployments?service=checkout&status=succeeded');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ id, status: 'succeeded', stepsTotal: 3, stepsDone: 3, liveWeight: 100 }),
    );
    const one = await dev.get(`/deployments/${id}`);
    expect(one.json()).toMatchObject({ id, status: 'succeeded', live: { version: '2.0.0', weight: 100 } });
    expect(one.json().steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect((await dev.get(`/deployments/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('is rolled back by a deployment lead, with what was live in the snapshot', async () => {
    const dev = await f.as('dev-dan', ['developer']);
    expect((await dev.post(`/deployments/${id}/rollback`, { reason: 'latency' })).statusCode).toBe(403);
    const lead = await f.as('lead-lou', ['deployment-lead']);
    const res = await lead.post(`/deployments/${id}/rollback`, { reason: 'p99 doubled' });
    expect(res.statusCode, res.body).toBe(202);
    await until(id, 'DeploymentRolledBack');
    const events = await f.events(deploymentStream(id));
    const started = events.find((e) => e.type === 'DeploymentRollbackStarted')!;
    expect(canonicalJson((started.data as { snapshot: { live: unknown } }).snapshot.live)).toBe(
      canonicalJson([
        { service: 'checkout', environment: 'prod', version: '2.0.0', weight: 100 },
        { service: 'checkout', environment: 'prod', version: '1.0.0', weight: 0 },
      ]),
    );
    expect(started.data).toMatchObject({ trigger: { kind: 'manual', by: 'lead-lou' }, to: v1 });
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
    // Asked again: one rollback.
    const again = await lead.post(`/deployments/${id}/rollback`, { reason: 'p99 doubled' });
    expect(again.json().status).toBe('rolled-back');
    expect((await typesOf(id)).filter((t) => t === 'DeploymentRollbackStarted')).toHaveLength(1);
  });
});

describe('deployments that do not go through', () => {
  it('a request for an environment orchestration does not know is refused with the reason (a stored v1 request)', async () => {
    const id = await requestDeployment({ environment: 'moon' }, 1);
    await until(id, 'DeploymentRefused');
    const refused = (await f.events(deploymentStream(id))).find((e) => e.type === 'DeploymentRefused')!;
    expect(refused.data).toMatchObject({
      checks: [{ check: 'booking', passed: false }],
      reason: expect.stringContaining('moon'),
    });
    // A refused deployment changed nothing: there is nothing to roll back. Bad input changes nothing either.
    const lead = await f.as('lead-lou', ['deployment-lead']);
    const head = await f.head();
    const notRun = await lead.post(`/deployments/${id}/rollback`, { reason: 'why not' });
    expect(notRun.statusCode).toBe(409);
    expect(notRun.json().code).toBe('ORCHESTRATION_DEPLOYMENT_NOT_ROLLBACKABLE');
    const unknown = await lead.post(`/deployments/${randomUUID()}/rollback`, { reason: 'why not' });
    expect(unknown.json()).toMatchObject({ status: 404, code: 'ORCHESTRATION_DEPLOYMENT_NOT_FOUND' });
    expect((await lead.post(`/deployments/${id}/rollback`, { reason: '' })).statusCode).toBe(400);
    expect((await lead.post(`/deployments/${id}/rollback`, { reason: 'x', force: true })).statusCode).toBe(400);
    expect((await lead.post('/deployments/not-a-uuid/rollback', { reason: 'x' })).statusCode).toBe(400);
    expect(await f.head()).toBe(head);
  });

  it('fails when the agent fails a step', async () => {
    agent.fleet.injectFailure({
      service: 'checkout',
      environment: 'staging',
      action: 'roll-batch',
      times: 1,
      detail: 'pods crash-loop',
    });
    const id = await requestDeployment({ environment: 'staging', strategy: { type: 'rolling', batchPercent: 50 } });
    await until(id, 'DeploymentFailed');
    const failed = (await f.events(deploymentStream(id))).find((e) => e.type === 'DeploymentFailed')!;
    expect(failed.data).toMatchObject({ failedStep: 0, reason: expect.stringContaining('pods crash-loop') });
  });
});

describe('after a crash', () => {
  it('a step recorded as started but never sent is sent by the scheduler from the stream', async () => {
    // As if a process recorded the request and its first step, then died before sending it.
    const id = randomUUID();
    const commands = createDeploymentCommands(f.store);
    const ctx = { actor: DEPLOYMENT_ACTOR, now: f.clock.now, correlationId: id };
    await commands.handle(
      deploymentStream(id),
      {
        type: 'Request',
        subject: {
          deploymentId: id,
          runId: randomUUID(),
          stage: 2,
          releaseId: null,
          planId: null,
          service: 'checkout',
          environment: 'staging',
          environmentTier: 'staging',
          artifact: v2,
        },
        strategy: { type: 'blue-green' },
        rollbackTarget: v1,
        commits: [],
        requestedAt: f.clock.now.toISOString(),
        checks: [{ check: 'window', passed: true, reason: 'No deployment window applies.' }],
        admission: { decision: 'start', reason: 'No rollout plan covers this deployment.' },
        driver: 'webhook',
        steps: [
          { step: 0, action: 'deploy-preview' },
          { step: 1, action: 'switch' },
          { step: 2, action: 'retire-old', keepMinutes: 0 },
        ],
      },
      ctx,
    );
    await commands.handle(deploymentStream(id), { type: 'BeginStep', step: 0, requestId: randomUUID() }, ctx);
    await until(id, 'DeploymentSucceeded');
    expect(agent.fleet.target('checkout', 'staging').idle).toEqual([]);
    expect(agent.fleet.weightOf('checkout', 'staging', '2.0.0')).toBe(100);
  });
});
