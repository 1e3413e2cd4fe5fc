import { randomUUID } from 'node:crypto';
import {
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  PlanFlagsDeclared,
  RolloutPlanCreated,
  RotationTurnStarted,
  RunbookAttached,
  rolloutPlanStream,
  rotationStream,
} from '@railyard/contracts';
import { event, specMetadata } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import { MAX_PLANS_PER_RELEASE, planIdFor } from '../plan-store.js';
import {
  lead,
  manager,
  ordersAndWeb,
  type PlanSpecFixture,
  planHistory,
  runbook,
  sre,
  startPlanSpecs,
} from '../test-support/plan-spec.js';

describe('POST /plans', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('createPlan');
    // What the plans check a request against: registered environments (their services are the known ones) and flags.
    const ops = await s.f.as(sre.id, sre.roles);
    for (const [name, tier, service] of [
      ['staging', 'staging', 'orders'],
      ['prod', 'prod', 'web'],
      ['qa', 'staging', 'search'],
    ] as const) {
      expect((await ops.post('/environments', environmentBody(name, tier, { service }))).statusCode).toBe(201);
    }
    const dev = await s.f.as('dev-ines', ['developer']);
    const flag = { key: 'beta-ui', state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
    expect((await dev.post('/flags', { ...flag, reason: 'dark launch' })).statusCode).toBe(201);
    await s.f.settle();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const body = (over: Record<string, unknown> = {}) => ({
    releaseId: randomUUID(),
    environments: ['staging', 'prod'],
    services: ordersAndWeb(),
    lead: lead.id,
    escalation: [sre.id],
    ackTimeoutMinutes: 15,
    ...over,
  });
  const create = (payload: object, actor = manager) => s.request('POST', '/plans', actor, payload);
  /** The RolloutPlanCreated of `b` as the n-th plan of its release: orders' wave before web's. */
  const created = (b: ReturnType<typeof body>, n = 0, over: Record<string, unknown> = {}) =>
    event(RolloutPlanCreated, {
      planId: planIdFor(b.releaseId, n),
      releaseId: b.releaseId,
      environments: b.environments,
      services: b.services,
      waves: [['orders'], ['web']],
      lead: lead.id,
      escalation: [sre.id],
      ackTimeoutMinutes: 15,
      createdBy: manager.id,
      reason: '',
      ...over,
    });

  it('creates the release’s first plan, its waves from the contracts, with its runbook and flags', async () => {
    const flags = [{ key: 'beta-ui', enableAfterWave: 2, killOnRollback: true }];
    const b = { ...body(), runbook: runbook(), flags, reason: 'Thursday release' };
    const planId = planIdFor(b.releaseId, 0);
    await s
      .spec()
      .when(create(b))
      .then({
        status: 201,
        body: { planId, status: 'planned', lead: lead.id },
        events: {
          [rolloutPlanStream(planId)]: [
            created(b, 0, { reason: 'Thursday release' }),
            event(RunbookAttached, { planId, runbook: runbook() }),
            event(PlanFlagsDeclared, { planId, flags }),
          ],
        },
      });
  });

  it('a release’s next plan takes the next number', async () => {
    const b = body();
    const first = planHistory(planIdFor(b.releaseId, 0), { releaseId: b.releaseId });
    const { response } = await s
      .spec()
      .given(first.stream, first.created(), first.aborted())
      .when(create(b))
      .then({ status: 201, events: { [rolloutPlanStream(planIdFor(b.releaseId, 1))]: [created(b, 1)] } });
    expect(response.headers.location).toBe(`/plans/${planIdFor(b.releaseId, 1)}`);
  });

  it('without a lead, whoever is on call for the last environment leads', async () => {
    const rotationId = randomUUID();
    const turn = RotationTurnStarted.schema.parse({
      rotationId,
      environment: 'prod',
      principal: 'cy',
      startsAt: '2026-12-01T08:00:00.000Z',
      endsAt: '2026-12-02T08:00:00.000Z',
      override: false,
      skipped: [],
    });
    await s.f.store.append(
      rotationStream(rotationId),
      [{ id: randomUUID(), type: RotationTurnStarted.type, data: turn, metadata: specMetadata() }],
      'noStream',
    );
    await s.f.until('the turn in orchestration', async () => {
      const { rowCount } = await s.f.pool.query('SELECT 1 FROM orchestration.on_call_turns WHERE principal = $1', [
        'cy',
      ]);
      return rowCount ? true : undefined;
    });
    const { lead: _named, ...b } = body();
    await s
      .spec()
      .when(create(b))
      .then({
        status: 201,
        body: { lead: 'cy' },
        events: { [rolloutPlanStream(planIdFor(b.releaseId, 0))]: [created({ ...b, lead: 'cy' }, 0, { lead: 'cy' })] },
      });
  });

  it('409 ORCHESTRATION_PLAN_NO_ON_CALL_LEAD without a lead while nobody is on call there', async () => {
    const { lead: _named, ...b } = body({ environments: ['staging'] });
    await s
      .spec()
      .when(create(b))
      .then({ status: 409, code: Codes.PLAN_NO_ON_CALL_LEAD, body: { environment: 'staging' } });
  });

  it(`409 ORCHESTRATION_PLAN_STATE_CONFLICT once a release has ${MAX_PLANS_PER_RELEASE} plans`, async () => {
    const b = body();
    let spec = s.spec();
    for (let n = 0; n < MAX_PLANS_PER_RELEASE; n++) {
      const p = planHistory(planIdFor(b.releaseId, n), { releaseId: b.releaseId });
      spec = spec.given(p.stream, p.created(), p.aborted());
    }
    await spec.when(create(b)).then({ status: 409, code: Codes.PLAN_STATE_CONFLICT });
  });

  it('422 ORCHESTRATION_PLAN_ENVIRONMENT_UNKNOWN naming the environments never registered', async () => {
    await s
      .spec()
      .when(create(body({ environments: ['staging', 'moon'] })))
      .then({ status: 422, code: Codes.PLAN_ENVIRONMENT_UNKNOWN, body: { environments: ['moon'] } });
  });

  it('422 ORCHESTRATION_PLAN_SERVICE_UNKNOWN naming the services no environment runs', async () => {
    const ghost = { service: 'ghost', version: '1.0.0', provides: [], consumes: [] };
    await s
      .spec()
      .when(create(body({ services: [...ordersAndWeb(), ghost] })))
      .then({ status: 422, code: Codes.PLAN_SERVICE_UNKNOWN, body: { services: ['ghost'] } });
  });

  it('422 ORCHESTRATION_PLAN_FLAG_UNKNOWN naming the flags never defined', async () => {
    const flags = [
      { key: 'beta-ui', enableAfterWave: 1, killOnRollback: false },
      { key: 'nope', enableAfterWave: null, killOnRollback: true },
    ];
    await s
      .spec()
      .when(create(body({ flags })))
      .then({ status: 422, code: Codes.PLAN_FLAG_UNKNOWN, body: { flags: ['nope'] } });
  });

  it('422 ORCHESTRATION_PLAN_CONTRACT_CYCLE naming the cycle', async () => {
    const [orders, web] = ordersAndWeb();
    const services = [
      { ...orders!, consumes: [{ api: 'web-api', range: '^1' }] },
      { ...web!, provides: [{ api: 'web-api', version: '1.1.0' }] },
    ];
    await s
      .spec()
      .when(create(body({ services })))
      .then({ status: 422, code: Codes.PLAN_CYCLE, body: { cycle: ['orders', 'web', 'orders'] } });
  });

  it('422 ORCHESTRATION_PLAN_RANGE_UNSATISFIED when no provider of the plan satisfies a consumer', async () => {
    const [orders, web] = ordersAndWeb();
    const services = [orders!, { ...web!, consumes: [{ api: 'orders-api', range: '^3.0.0' }] }];
    await s
      .spec()
      .when(create(body({ services })))
      .then({ status: 422, code: Codes.PLAN_RANGE_UNSATISFIED });
  });

  it('422 ORCHESTRATION_PLAN_RANGE_INVALID for a range that is not semver', async () => {
    const [orders, web] = ordersAndWeb();
    const services = [orders!, { ...web!, consumes: [{ api: 'orders-api', range: 'the latest' }] }];
    await s
      .spec()
      .when(create(body({ services })))
      .then({ status: 422, code: Codes.PLAN_RANGE_INVALID });
  });

  it('422 ORCHESTRATION_PLAN_SERVICE_DUPLICATE for a service listed twice', async () => {
    const [orders, web] = ordersAndWeb();
    await s
      .spec()
      .when(create(body({ services: [orders!, web!, orders!] })))
      .then({ status: 422, code: Codes.PLAN_SERVICE_DUPLICATE, body: { service: 'orders' } });
  });

  it('422 ORCHESTRATION_RUNBOOK_INVALID for a runbook naming an environment outside the plan', async () => {
    const book = runbook();
    book.steps[0]!.environment = 'qa';
    await s
      .spec()
      .when(create(body({ runbook: book })))
      .then({ status: 422, code: Codes.RUNBOOK_INVALID });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN: an SRE does not create plans', async () => {
    await s.spec().when(create(body(), sre)).then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });

  it('400 for a field the request does not know', async () => {
    await s
      .spec()
      .when(create(body({ priority: 'high' })))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
