import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { OrchestrationErrorCodes, RotationTurnStarted, rolloutPlanStream, rotationStream } from '@railyard/contracts';
import { createRelay, type Relay } from '@railyard/messaging';
import { specMetadata } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from '../test-support/orchestration-fixture.js';

/**
 * `orchestration--lead-rotations` and POST /plans without a lead (G8): the on-call principal of the plan's last
 * environment leads it; before any turn is known, 409 ORCHESTRATION_PLAN_NO_ON_CALL_LEAD and nothing recorded.
 */
const rotationId = randomUUID();
let f: OrchestrationFixture;
let relay: Relay;

async function announce(principal: string, startsAt: string, endsAt: string, override = false) {
  const data = RotationTurnStarted.schema.parse({
    rotationId,
    environment: 'prod',
    principal,
    startsAt,
    endsAt,
    override,
    skipped: [],
  });
  await f.store.append(
    rotationStream(rotationId),
    [{ id: randomUUID(), type: RotationTurnStarted.type, data, metadata: specMetadata() }],
    'any',
  );
}

beforeAll(async () => {
  f = await startOrchestration('leadRotations', { start: new Date('2026-12-01T09:00:00Z') });
  // Governance's relay, as governance runs it in its own process.
  relay = createRelay({
    store: f.store,
    js: jetstream(f.nc),
    pool: f.pool,
    service: 'governance',
    subjectPrefix: f.bus.prefix,
    lockPollMs: 50,
  });
  await relay.start();
  const sre = await f.as('sre-sam', ['sre']);
  for (const [name, tier] of [
    ['staging', 'staging'],
    ['prod', 'prod'],
  ] as const) {
    expect((await sre.post('/environments', environmentBody(name, tier))).statusCode).toBe(201);
  }
  await f.settle();
});
afterAll(async () => {
  await relay?.stop();
  await f?.close();
});

describe('POST /plans without a lead', () => {
  const body = () => ({
    releaseId: randomUUID(),
    environments: ['staging', 'prod'],
    services: [{ service: 'checkout', version: '2.0.0', provides: [], consumes: [] }],
    escalation: ['sre-sam'],
    ackTimeoutMinutes: 15,
  });
  const onCallNow = async () =>
    (await f.pool.query('SELECT count(*)::int AS n FROM orchestration.on_call_turns')).rows[0].n as number;

  it('409 ORCHESTRATION_PLAN_NO_ON_CALL_LEAD while nobody is on call for the last environment, recording nothing', async () => {
    const rm = await f.as('rm-ana', ['release-manager']);
    const before = await f.head();
    const res = await rm.post('/plans', body());
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: OrchestrationErrorCodes.PLAN_NO_ON_CALL_LEAD, environment: 'prod' });
    expect(await f.head()).toBe(before);
  });

  it("takes the on-call principal of the plan's last environment, an override over the turn it cuts", async () => {
    const rm = await f.as('rm-ana', ['release-manager']);
    await announce('cy', '2026-12-01T08:00:00.000Z', '2026-12-02T08:00:00.000Z');
    await f.until('the turn', async () => ((await onCallNow()) === 1 ? true : undefined));
    const created = await rm.post('/plans', body());
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().lead).toBe('cy');
    const [planCreated] = await f.events(rolloutPlanStream(created.json().planId));
    expect(planCreated).toMatchObject({ type: 'RolloutPlanCreated', data: { lead: 'cy' } });

    // A named lead is kept.
    expect((await rm.post('/plans', { ...body(), lead: 'lead-lou' })).json().lead).toBe('lead-lou');

    await announce('dee', '2026-12-01T08:30:00.000Z', '2026-12-01T12:00:00.000Z', true);
    await f.until('the override', async () => ((await onCallNow()) === 2 ? true : undefined));
    expect((await rm.post('/plans', body())).json().lead).toBe('dee');
  });
});
