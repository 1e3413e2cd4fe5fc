import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import {
  type Actor,
  DeploymentRequested,
  deploymentStream,
  grantStream,
  PipelineRunStarted,
  streamName,
} from '@railyard/contracts';
import { type GovernanceRuntime, startGovernanceRuntime } from '@railyard/governance/runtime';
import { createRelay, type Relay } from '@railyard/messaging';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { createLogger, signDevToken } from '@railyard/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject, type ScenarioInfra, startScenarioInfra, until } from './test-support/release-stack.js';

/**
 * Issue 15, done means (G2): a campaign revokes two undecided grants on its due date, and the next deploy by one of
 * those principals is refused. Governance and orchestration run their real runtimes on one store and one bus:
 * orchestration registers the prod environment (governance learns it over `governance--environments`), governance
 * issues the deploy grants and closes the campaign on its own clock (the leased closer), and orchestration learns the
 * GrantIssued/GrantRevoked events over `orchestration--grants` and judges pipeline's deployment requests by them.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const T0 = new Date('2026-11-02T09:00:00.000Z');
const dueAt = new Date(T0.getTime() + 86_400_000);
const afterClose = new Date(dueAt.getTime() + 60_000);
let clock = T0; // the one clock both services read; the test moves it past the due date

let infra: ScenarioInfra;
let governance: GovernanceRuntime;
let orchestration: OrchestrationRuntime;
let pipelineRelay: Relay;
const auth = async (sub: string, roles: string[]) => ({
  authorization: `Bearer ${await signDevToken({ sub, roles, secret: SECRET })}`,
});

beforeAll(async () => {
  infra = await startScenarioInfra('accessCampaign');
  const { store, pool, nc, prefix, streams } = infra;
  const common = {
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth: { secret: SECRET },
    sealIntervalMs: false as const,
    now: () => clock,
    schedulerIntervalMs: false as const,
  };
  governance = await startGovernanceRuntime({
    ...common,
    logger: createLogger({ name: 'governance', level: 'silent' }),
    analystPassword: 'analyst-test-password-0123',
    accessReviewTickMs: 50,
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
  // Pipeline's relay, as it runs in its own process: its deployment requests reach orchestration over NATS.
  pipelineRelay = createRelay({
    store,
    js: jetstream(nc),
    pool,
    service: 'pipeline',
    subjectPrefix: prefix,
    lockPollMs: 50,
  });
  await pipelineRelay.start();
}, 60_000);
afterAll(async () => {
  await pipelineRelay?.stop();
  await orchestration?.close();
  await governance?.close();
  await infra?.close();
});

const v1 = { name: 'checkout', version: '1.0.0', sha256: '1'.repeat(64) };
const v2 = { name: 'checkout', version: '2.0.0', sha256: '2'.repeat(64) };

/**
 * Pipeline's events of a run started by `principal` who claimed its deploy stage to `environment` in person (a person
 * actor), in their contracts' shape on `pipelineRun-<id>`; returns the DeploymentRequested's id, the deployment's.
 */
async function requestDeployment(principal: string, environment: string) {
  const runId = randomUUID();
  const id = randomUUID();
  const actor: Actor = { id: principal, kind: 'user', roles: ['developer', 'deployer'] };
  const shared = { runId, service: 'checkout', artifact: v2, releaseId: null, commits: [] };
  const started = PipelineRunStarted.schema.parse({
    ...shared,
    definitionVersion: 1,
    stages: [{ kind: 'deploy', name: environment, environment }],
    securityPolicy: 'default',
    tier: 'standard',
    strategies: [],
    changeAuthor: principal,
    triggeredBy: principal,
    reason: 'Run of checkout@2.0.0.',
  });
  const requested = DeploymentRequested.schema.parse({
    ...shared,
    stage: 0,
    environment,
    strategy: { type: 'canary', steps: [{ weight: 20, pauseMinutes: 1 }] },
    rollbackTarget: v1,
    gates: [],
    reason: `Every gate passed for ${environment}.`,
  });
  const events = [
    [randomUUID(), PipelineRunStarted, started],
    [id, DeploymentRequested, requested],
  ] as const;
  await infra.store.append(
    streamName('pipelineRun', runId),
    events.map(([eventId, definition, data]) => ({
      id: eventId,
      type: definition.type,
      data,
      metadata: { occurredAt: clock.toISOString(), actor, correlationId: runId, causationId: runId, schemaVersion: 2 },
    })),
    'noStream',
  );
  return id;
}

describe('an access review campaign and the next deploy', () => {
  it('revokes the two undecided deploy grants on its due date, and orchestration refuses the next deploy', async () => {
    const { store, pool } = infra;
    const sre = await auth('sre-sam', ['sre']);
    const admin = await auth('admin-ada', ['admin']);
    const caller = (app: unknown) => (method: 'GET' | 'POST', url: string, as: Record<string, string>, body?: object) =>
      inject(app as never, method, url, as, body);
    const [gov, orch] = [caller(governance.app), caller(orchestration.app)];
    const active = async () => (await gov('GET', '/grants?active=true', admin)).json().items.length as number;
    const count = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows[0].n as number;
    const ledger = `SELECT count(*)::int AS n FROM orchestration.grant_ledger WHERE grant_id = ANY($1::uuid[])`;

    // 1. Orchestration registers a prod-tier environment; governance learns it from the bus.
    const env = 'checkout-prod';
    const registered = await orch('POST', '/environments', sre, {
      name: env,
      service: 'checkout',
      tier: 'prod',
      region: 'eu',
      iac: { template: 'git@infra:checkout', version: '1.0.0', parameters: {} },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const known = 'SELECT count(*)::int AS n FROM governance.grant_environment_tiers WHERE environment = $1';
    await until('governance to learn the environment', async () => (await count(known, [env])) === 1 || undefined);

    // 2. The admin issues deploy grants on it to three principals (the issuer reviews them).
    const grants: Record<string, string> = {};
    const scope = { environment: env };
    for (const principal of ['dev-erin', 'dev-frank', 'dev-harry']) {
      const r = await gov('POST', '/grants', admin, { principal, privilege: 'deploy', scope, reason: 'release duty' });
      expect(r.statusCode, r.body).toBe(201);
      grants[principal] = r.json().grantId;
    }
    const revoked = [grants['dev-erin'], grants['dev-frank']];
    await until('governance and orchestration to hold the three grants', async () => {
      return ((await active()) === 3 && (await count(ledger, [Object.values(grants)])) === 3) || undefined;
    });

    // 3. A campaign over the environment's deploy grants, due tomorrow; the reviewer (their issuer) keeps harry.
    clock = new Date(T0.getTime() + 3_600_000);
    const opened = await gov('POST', '/access-reviews', admin, {
      name: 'Q4 checkout-prod deployers',
      scope: { privileges: ['deploy'], environments: [env] },
      dueAt: dueAt.toISOString(),
      reviewer: 'issuer',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({ onNoDecision: 'revoke', status: 'open' });
    const campaignId: string = opened.json().campaignId;
    const items = opened.json().items.map((i: { principal: string }) => i.principal);
    expect(items).toEqual(['dev-erin', 'dev-frank', 'dev-harry']);
    const kept = await gov('POST', `/access-reviews/${campaignId}/items/${grants['dev-harry']}/decision`, admin, {
      decision: 'keep',
      justification: 'lead of checkout',
    });
    expect(kept.statusCode, kept.body).toBe(200);

    // 4. Governance's clock passes the due date: the leased closer revokes the two undecided grants.
    clock = afterClose;
    const closed = await until('the closer to close the campaign', async () => {
      const c = (await gov('GET', `/access-reviews/${campaignId}`, admin)).json();
      return c.status === 'closed' ? c : undefined;
    });
    expect(closed.closed).toMatchObject({
      closedBy: 'governance',
      tally: { kept: 1, revoked: 0, undecidedKept: 0, undecidedRevoked: 2 },
    });
    expect([...closed.closed.revokedGrantIds].sort()).toEqual([...revoked].sort());
    for (const principal of ['dev-erin', 'dev-frank']) {
      const events = await store.readStream(grantStream(grants[principal]!));
      expect(events.map((e) => e.type)).toEqual(['GrantIssued', 'GrantRevoked']);
      expect(events[1]!.data).toMatchObject({ campaignId, principal, revokedBy: 'governance' });
    }

    // who-could answers from history (once governance's ledger holds the revocations): all three before the due date,
    // only harry after the close.
    await until("governance's ledger to hold the revocations", async () => (await active()) === 1 || undefined);
    const whoCould = async (at: Date) => {
      const r = await gov('GET', `/access/who-could?privilege=deploy&environment=${env}&at=${at.toJSON()}`, sre);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().principals.map((p: { principal: string }) => p.principal);
    };
    expect(await whoCould(new Date(dueAt.getTime() - 3_600_000))).toEqual(['dev-erin', 'dev-frank', 'dev-harry']);
    expect(await whoCould(afterClose)).toEqual(['dev-harry']);

    // 5. Orchestration learns the revocations over NATS; erin's next deploy is refused, harry's accepted.
    const learnt = async () => (await count(`${ledger} AND revoked_at IS NOT NULL`, [revoked])) === 2 || undefined;
    await until('orchestration to learn the revocations', learnt);
    const deployment = (id: string) =>
      until(`deployment ${id} to be judged`, async () => {
        const r = await orch('GET', `/deployments/${id}`, sre);
        const view: { status: string; reason: string } | undefined = r.statusCode === 200 ? r.json() : undefined;
        return view && view.status !== 'waiting' ? view : undefined;
      });

    const erinsId = await requestDeployment('dev-erin', env);
    const erins = await deployment(erinsId);
    expect(erins.status).toBe('refused');
    expect(erins.reason).toContain('ORCHESTRATION_GRANT_REQUIRED');
    const refusal = (await store.readStream(deploymentStream(erinsId))).find((e) => e.type === 'DeploymentRefused');
    expect((refusal!.data.checks as { check: string }[]).find((c) => c.check === 'grant')).toEqual({
      check: 'grant',
      passed: false,
      reason: expect.stringMatching(/^ORCHESTRATION_GRANT_REQUIRED: dev-erin held no deploy grant on checkout-prod/),
    });

    // The kept principal's deploy is accepted and started (no agent here: it stays running), naming the grant.
    const harrysId = await requestDeployment('dev-harry', env);
    expect((await deployment(harrysId)).status).toBe('running');
    const [scheduled] = await store.readStream(deploymentStream(harrysId));
    expect(scheduled!.data.reason).toContain(`dev-harry holds deploy grant ${grants['dev-harry']} on checkout-prod.`);
  });
});
