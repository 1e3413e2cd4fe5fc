import { jetstream } from '@nats-io/jetstream';
import {
  bookingCalendarStream,
  datasetStream,
  environmentStream,
  eventSubject,
  windowOverrideStream,
} from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from './test-support/orchestration-fixture.js';

// Issue 10's "Done means", over HTTP only against the real Postgres and NATS: each scenario drives the service
// through its API, then checks the answers, the events appended and what went out on the bus.
describe('orchestration part 1, done means', () => {
  let f: OrchestrationFixture;
  let sre: { authorization: string };
  let rm: { authorization: string };
  let deployer: { authorization: string };
  let lead: { authorization: string };
  const env = (name: string, tier: string, over: object = {}) => ({
    name,
    service: 'checkout',
    tier,
    region: 'eu',
    iac: {
      template: 'git@infra:modules/checkout',
      version: '4.2.0',
      parameters: { replicas: 2, flags: { beta: false } },
    },
    ...over,
  });
  const post = (url: string, headers: { authorization: string }, payload: object) =>
    f.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string) => f.app.inject({ method: 'GET', url, headers: rm });

  beforeAll(async () => {
    // The real scheduler runs every 50 ms on the injected clock: the TTL scenario moves the clock, never sleeps.
    f = await startOrchestration('scenario', { start: new Date('2026-12-01T09:00:00Z'), schedulerIntervalMs: 50 });
    sre = await f.auth('sre-sam', ['sre']);
    rm = await f.auth('rm-ana', ['release-manager']);
    deployer = await f.auth('ci-bot', ['deployer']);
    lead = await f.auth('lead-lea', ['deployment-lead']);
    for (const [name, tier] of [
      ['checkout-staging', 'staging'],
      ['checkout-preprod', 'preprod'],
      ['checkout-prod', 'prod'],
    ] as const) {
      expect((await post('/environments', sre, env(name, tier))).statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await f?.close();
  });

  it('a release books staging, then preprod for final-integration; a second release is refused, then queued', async () => {
    const a = { releaseId: 'rel-a', from: '2026-12-02T08:00:00Z', until: '2026-12-04T18:00:00Z' };
    const staging = await post('/environments/checkout-staging/bookings', rm, { ...a, phase: 'integration' });
    expect(staging.statusCode).toBe(201);
    expect(staging.json()).toMatchObject({ status: 'confirmed', releaseId: 'rel-a', from: '2026-12-02T08:00:00.000Z' });
    const wrongPhase = await post('/environments/checkout-preprod/bookings', rm, { ...a, phase: 'uat' });
    expect(wrongPhase.statusCode).toBe(409);
    expect(wrongPhase.json().code).toBe('ORCHESTRATION_BOOKING_PHASE_NOT_ALLOWED');
    const preprod = await post('/environments/checkout-preprod/bookings', rm, {
      releaseId: 'rel-a',
      phase: 'final-integration',
      from: '2026-12-05T08:00:00Z',
      until: '2026-12-06T18:00:00Z',
    });
    expect(preprod.statusCode).toBe(201);

    const b = { releaseId: 'rel-b', phase: 'integration', from: '2026-12-03T08:00:00Z', until: '2026-12-05T18:00:00Z' };
    const refused = await post('/environments/checkout-staging/bookings', rm, b);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      code: 'ORCHESTRATION_BOOKING_CONFLICT',
      conflictsWith: [{ bookingId: staging.json().id, releaseId: 'rel-a' }],
    });
    expect(refused.json().detail).toContain(staging.json().id);
    const queued = await post('/environments/checkout-staging/bookings', rm, { ...b, whenBusy: 'queue' });
    expect(queued.statusCode).toBe(202);
    expect(queued.json().status).toBe('queued');

    // Release A gives staging up: the oldest waiting booking gets it, recorded as an event.
    const cancelled = await f.app.inject({
      method: 'DELETE',
      url: `/environments/checkout-staging/bookings/${staging.json().id}`,
      headers: rm,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().allocated).toEqual([queued.json().id]);
    expect((await f.events(bookingCalendarStream('checkout-staging'))).map((e) => e.type)).toEqual([
      'BookingConfirmed',
      'BookingQueued',
      'BookingCancelled',
      'BookingAllocatedFromQueue',
    ]);
    await f.settle();
    const calendar = await get('/bookings?release=rel-b');
    expect(calendar.json().items).toEqual([expect.objectContaining({ id: queued.json().id, status: 'confirmed' })]);
    const a2 = await get('/bookings?release=rel-a');
    expect(a2.json().items.map((i: { environment: string; status: string }) => [i.environment, i.status])).toEqual([
      ['checkout-staging', 'cancelled'],
      ['checkout-preprod', 'confirmed'],
    ]);
  });

  it('a deploy of production-derived restricted data into staging is refused until an attestation is recorded', async () => {
    expect(
      (
        await post('/datasets', sre, {
          name: 'orders-prod-copy',
          classification: 'restricted',
          productionDerived: true,
        })
      ).statusCode,
    ).toBe(201);
    const deploy = {
      service: 'checkout',
      environment: 'checkout-staging',
      releaseId: 'rel-b',
      datasets: ['orders-prod-copy'],
      at: '2026-12-04T10:00:00Z',
    };
    const refused = await post('/deployments/check', deployer, deploy);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'ORCHESTRATION_MASKING_ATTESTATION_REQUIRED',
      refusals: [{ check: 'data-policy', code: 'ORCHESTRATION_MASKING_ATTESTATION_REQUIRED' }],
    });
    const attested = await post('/datasets/orders-prod-copy/attestations', sre, {
      tool: 'pg-masker 3.1',
      ruleSetVersion: '2026.11',
      maskedOutputSha256: 'ab'.repeat(32),
      expiresAt: '2027-01-01T00:00:00Z',
    });
    expect(attested.statusCode).toBe(201);
    expect((await f.events(datasetStream('orders-prod-copy'))).map((e) => e.type)).toEqual([
      'DatasetRegistered',
      'MaskingAttestationRecorded',
    ]);
    const allowed = await post('/deployments/check', deployer, deploy);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toMatchObject({
      allowed: true,
      checks: { dataPolicy: { ok: true }, booking: { ok: true } },
    });
  });

  it('drift appears after an agent reports a changed value and clears when the value is back', async () => {
    const report = (replicas: number) =>
      post('/environments/checkout-prod/actual-config', deployer, { config: { replicas, flags: { beta: false } } });
    expect((await report(2)).json().drift.status).toBe('in-sync');
    expect((await report(5)).json().recorded).toEqual(['ActualConfigReported', 'DriftDetected']);
    const drifted = await get('/environments/checkout-prod/drift');
    expect(drifted.json()).toMatchObject({
      status: 'drifted',
      differences: [{ op: 'replace', path: '/replicas', expected: 2, actual: 5 }],
    });
    expect((await report(2)).json().recorded).toEqual(['ActualConfigReported', 'DriftCleared']);
    expect((await get('/environments/checkout-prod/drift')).json()).toMatchObject({
      status: 'in-sync',
      differences: [],
    });
    const events = await f.events(environmentStream('checkout-prod'));
    expect(events.slice(1).map((e) => e.type)).toEqual([
      'ActualConfigReported',
      'ActualConfigReported',
      'DriftDetected',
      'ActualConfigReported',
      'DriftCleared',
    ]);
  });

  it('a deploy on 25 December in a DE calendar is blocked by the holiday; an emergency override lets it through, on the record', async () => {
    const created = await post('/calendars', rm, {
      name: 'Germany',
      holidays: [{ country: 'DE' }],
      holidaySelectors: { tiers: ['prod'] },
    });
    expect(created.statusCode).toBe(201);
    await f.settle();
    const christmas = '2026-12-25T10:00:00Z';
    const blocked = await get(`/windows/check?service=checkout&environment=checkout-prod&at=${christmas}`);
    expect(blocked.json()).toMatchObject({
      allowed: false,
      verdict: 'denied',
      decidedBy: [{ source: 'holiday', reason: '1. Weihnachtstag (DE, public holiday)', calendarName: 'Germany' }],
      override: null,
    });
    const deploy = { service: 'checkout', environment: 'checkout-prod', at: christmas };
    const refused = await post('/deployments/check', deployer, deploy);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ORCHESTRATION_DEPLOYMENT_WINDOW_BLOCKED');

    const granted = await post('/windows/overrides', lead, {
      service: 'checkout',
      environment: 'checkout-prod',
      from: '2026-12-25T09:00:00Z',
      until: '2026-12-25T12:00:00Z',
      reason: 'Payment outage: hotfix 4.2.1',
    });
    expect(granted.statusCode).toBe(201);
    expect(await f.events(windowOverrideStream(granted.json().id))).toEqual([
      {
        type: 'EmergencyOverrideGranted',
        data: {
          overrideId: granted.json().id,
          service: 'checkout',
          environment: 'checkout-prod',
          from: '2026-12-25T09:00:00.000Z',
          until: '2026-12-25T12:00:00.000Z',
          reason: 'Payment outage: hotfix 4.2.1',
          grantedBy: 'lead-lea',
          grantedWithRole: 'deployment-lead',
        },
      },
    ]);
    await f.settle();
    const through = await get(`/windows/check?service=checkout&environment=checkout-prod&at=${christmas}`);
    expect(through.json()).toMatchObject({
      allowed: true,
      verdict: 'overridden',
      decidedBy: [{ source: 'holiday' }],
      override: { overrideId: granted.json().id, reason: 'Payment outage: hotfix 4.2.1', grantedBy: 'lead-lea' },
    });
    expect((await post('/deployments/check', deployer, deploy)).statusCode).toBe(200);
  });

  it('an ephemeral environment is torn down when its TTL passes (injected clock), and it all went out on the bus', async () => {
    const created = await post('/environments', sre, env('pr-1234', 'ephemeral', { ttlMinutes: 90 }));
    expect(created.json().expiresAt).toBe('2026-12-01T10:30:00.000Z');
    await f.settle();
    f.clock.now = new Date('2026-12-01T10:29:00Z');
    expect(await f.runtime.scheduler.tick()).toBe(0);
    f.clock.now = new Date('2026-12-01T10:31:00Z');
    const torn = await f.until('the scheduler to tear pr-1234 down', async () => {
      const res = await get('/environments/pr-1234');
      const body = res.json() as { status: string; tornDownAt: string | null };
      return body.status === 'torn-down' ? body : undefined;
    });
    expect(torn.tornDownAt).toBe('2026-12-01T10:31:00.000Z');
    const stored = await f.store.readStream(environmentStream('pr-1234'));
    expect(stored.map((e) => [e.type, e.metadata.actor.id])).toEqual([
      ['EnvironmentRegistered', 'sre-sam'],
      ['EnvironmentTornDown', 'orchestration-scheduler'],
    ]);
    expect(stored[1]!.data).toEqual({
      name: 'pr-1234',
      reason: 'ttl-expired',
      expiresAt: '2026-12-01T10:30:00.000Z',
      tornDownAt: '2026-12-01T10:31:00.000Z',
    });

    // Every event reaches JetStream on railyard.orchestration.<aggregate>.<Type> (here under this file's prefix).
    const consumer = await jetstream(f.nc).consumers.get(f.bus.stream);
    const subjects = new Set<string>();
    const wanted = [
      eventSubject(f.bus.prefix, 'orchestration', 'environment', 'EnvironmentTornDown'),
      eventSubject(f.bus.prefix, 'orchestration', 'bookingCalendar', 'BookingAllocatedFromQueue'),
      eventSubject(f.bus.prefix, 'orchestration', 'dataset', 'MaskingAttestationRecorded'),
      eventSubject(f.bus.prefix, 'orchestration', 'windowOverride', 'EmergencyOverrideGranted'),
      eventSubject(f.bus.prefix, 'orchestration', 'deploymentCalendar', 'DeploymentCalendarCreated'),
    ];
    await f.until('the events on the bus', async () => {
      const batch = await consumer.fetch({ max_messages: 100, expires: 1000 });
      for await (const m of batch) subjects.add(m.subject);
      return wanted.every((s) => subjects.has(s)) ? true : undefined;
    });
    expect([...subjects].every((s) => s.startsWith(`${f.bus.prefix}.orchestration.`))).toBe(true);
  });
});
