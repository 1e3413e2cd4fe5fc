import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { type Actor, deploymentStream, streamName } from '@railyard/contracts';
import { createRelay, type Relay } from '@railyard/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// G2 over HTTP and NATS with the real store and bus: orchestration refuses a deployment to a prod-tier environment
// unless its requester held a `deploy` grant it learnt from governance's events (GrantIssued/GrantRevoked on
// grant-<id>, relayed to NATS, kept by `orchestration--grants`). Pipeline's events arrive through pipeline's relay.
const v1 = { name: 'checkout', version: '1.0.0', sha256: '1'.repeat(64) };
const v2 = { name: 'checkout', version: '2.0.0', sha256: '2'.repeat(64) };

let f: OrchestrationFixture;
let pipelineRelay: Relay;

beforeAll(async () => {
  f = await startOrchestration('deployGrant');
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
    ['prod-eu', 'prod'],
    ['staging', 'staging'],
  ] as const) {
    expect((await sre.post('/environments', environmentBody(name, tier))).statusCode).toBe(201);
  }
});
afterAll(async () => {
  await pipelineRelay?.stop();
  await f?.close();
});

/**
 * A run started by `trigger` and its deploy stage claimed by `claimant` (the CI system by default), as pipeline
 * records them in `pipelineRun-<id>`; returns the DeploymentRequested's id, which is the deployment's.
 */
async function request(
  trigger: string,
  environment = 'prod',
  claimant: Pick<Actor, 'id' | 'kind'> = { id: 'ci-jenkins', kind: 'system' },
) {
  const runId = randomUUID();
  const id = randomUUID();
  const metadata = (actor: Actor) => ({
    occurredAt: f.clock.now.toISOString(),
    actor,
    correlationId: runId,
    causationId: runId,
    schemaVersion: 2,
  });
  const started = {
    runId,
    service: 'checkout',
    definitionVersion: 1,
    stages: [{ kind: 'deploy', name: environment, environment }],
    securityPolicy: 'default',
    tier: 'standard',
    strategies: [],
    artifact: v2,
    changeAuthor: 'dev-bo',
    triggeredBy: trigger,
    releaseId: null,
    commits: [],
    reason: 'Run of checkout@2.0.0.',
  };
  const requested = {
    runId,
    stage: 0,
    service: 'checkout',
    environment,
    artifact: v2,
    strategy: { type: 'canary', steps: [{ weight: 20, pauseMinutes: 1 }] },
    rollbackTarget: v1,
    gates: [],
    releaseId: null,
    commits: [],
    reason: `Every gate passed for ${environment}.`,
  };
  await f.store.append(
    streamName('pipelineRun', runId),
    [
      {
        id: randomUUID(),
        type: 'PipelineRunStarted',
        data: started,
        metadata: metadata({ id: trigger, kind: 'user', roles: ['developer'] }),
      },
      { id, type: 'DeploymentRequested', data: requested, metadata: metadata({ ...claimant, roles: ['deployer'] }) },
    ],
    'noStream',
  );
  return id;
}

/** How the request ended: DeploymentRefused (with its checks) or DeploymentStarted, and the DeploymentScheduled. */
async function outcome(id: string) {
  return f.until(`the outcome of deployment ${id}`, async () => {
    const events = (await f.events(deploymentStream(id))) as { type: string; data: Record<string, unknown> }[];
    const last = events.find((e) => e.type === 'DeploymentRefused' || e.type === 'DeploymentStarted');
    return last ? { type: last.type, data: last.data, scheduled: events[0]! } : undefined;
  });
}
const grantCheckOf = (e: { data: Record<string, unknown> }) =>
  (e.data.checks as { check: string; passed: boolean; reason: string }[]).find((c) => c.check === 'grant');

describe('a deployment to prod and the requester deploy grant', () => {
  let accepted = '';

  it('is refused without a grant, accepted once the grant is learnt, refused again after a campaign revoked it', async () => {
    const refused = await outcome(await request('dev-eve'));
    expect(refused.type).toBe('DeploymentRefused');
    expect(grantCheckOf(refused)).toEqual({
      check: 'grant',
      passed: false,
      reason: expect.stringMatching(/^ORCHESTRATION_GRANT_REQUIRED: dev-eve held no deploy grant on prod/),
    });
    expect(refused.data.reason).toContain('ORCHESTRATION_GRANT_REQUIRED');

    const scope = { environment: 'prod' };
    const grantId = await f.grant({ principal: 'dev-eve', privilege: 'deploy', scope, reason: 'Release captain.' });
    accepted = await request('dev-eve');
    const scheduled = await outcome(accepted);
    expect(scheduled.type).toBe('DeploymentStarted');
    expect(scheduled.scheduled.data.reason).toContain(`dev-eve holds deploy grant ${grantId} on prod.`);

    await f.revoke(grantId, {
      principal: 'dev-eve',
      privilege: 'deploy',
      scope,
      revokedAt: new Date(f.clock.now.getTime() - 60_000).toISOString(),
      campaignId: randomUUID(),
    });
    const afterRevocation = await outcome(await request('dev-eve'));
    expect(afterRevocation.type).toBe('DeploymentRefused');
    expect(grantCheckOf(afterRevocation)?.reason).toMatch(/^ORCHESTRATION_GRANT_REQUIRED: dev-eve/);
  });

  it('holds a person who claimed the stage to their own grant, accepts a tier grant, and asks none below prod', async () => {
    await f.grant({ principal: 'dev-fay', privilege: 'deploy', scope: { tier: 'prod' } });
    // The trigger holds a grant, but the deployer who claimed the stage in person does not: refused, naming them.
    const byPerson = await outcome(await request('dev-fay', 'prod', { id: 'dep-dora', kind: 'user' }));
    expect(byPerson.type).toBe('DeploymentRefused');
    expect(grantCheckOf(byPerson)?.reason).toMatch(/^ORCHESTRATION_GRANT_REQUIRED: dep-dora held no deploy grant/);
    // A tier grant covers every prod-tier environment.
    expect((await outcome(await request('dev-fay', 'prod-eu'))).type).toBe('DeploymentStarted');
    // Staging needs no grant: no grant line in the checks.
    const staging = await outcome(await request('dev-gus', 'staging'));
    expect(staging.type).toBe('DeploymentStarted');
    expect(staging.scheduled.data.reason).not.toContain('grant');
  });

  it('answers 403 ORCHESTRATION_GRANT_REQUIRED to a rollback or a promotion in prod by a lead or an admin without a grant', async () => {
    // The other deployments of this file run on in the background: what must not move is this deployment's record
    // of any rollback or promotion.
    const acted = async () =>
      ((await f.events(deploymentStream(accepted))) as { type: string }[]).filter((e) =>
        ['DeploymentRollbackStarted', 'DeploymentPromoted'].includes(e.type),
      ).length;
    expect(await acted()).toBe(0);
    for (const [sub, roles] of [
      ['lead-lou', ['deployment-lead']],
      ['root-al', ['deployment-lead', 'admin']],
    ] as const) {
      const caller = await f.as(sub, [...roles]);
      for (const action of ['rollback', 'promote']) {
        const res = await caller.post(`/deployments/${accepted}/${action}`, { reason: 'errors' });
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({
          code: 'ORCHESTRATION_GRANT_REQUIRED',
          principal: sub,
          privileges: ['deploy', 'lead'],
          environment: 'prod',
        });
      }
    }
    expect(await acted()).toBe(0);
    // With a lead grant on prod, the lead's rollback goes through to the deployment's own rules.
    await f.grant({ principal: 'lead-lou', privilege: 'lead', scope: { environment: 'prod' } });
    const lead = await f.as('lead-lou', ['deployment-lead']);
    const promote = await lead.post(`/deployments/${accepted}/promote`, { reason: 'go' });
    expect(promote.json().code).not.toBe('ORCHESTRATION_GRANT_REQUIRED');
    const rollback = await lead.post(`/deployments/${accepted}/rollback`, { reason: 'errors' });
    expect(rollback.statusCode, rollback.body).toBe(202);
  });
});
