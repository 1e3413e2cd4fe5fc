import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from './test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from './test-support/orchestration-fixture.js';

// Issue 10's bad-input table: each request gets problem+json with its code, and the store's head does not move.
describe('bad input', () => {
  let f: OrchestrationFixture;
  let admin: HttpClient;
  let calendarId: string;
  let bookingId: string;

  beforeAll(async () => {
    f = await startOrchestration('badInput', { start: new Date('2026-12-01T09:00:00Z') });
    admin = await f.as('root', ['admin']);
    expect((await admin.post('/environments', environmentBody('staging', 'staging'))).statusCode).toBe(201);
    expect(
      (await admin.post('/datasets', { name: 'orders', classification: 'restricted', productionDerived: true }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await admin.put('/quotas/payments/staging', {
          limits: { concurrentDeployments: 1, instances: 1, cpuUnits: 1, memoryUnits: 1 },
        })
      ).statusCode,
    ).toBe(200);
    calendarId = (await admin.post('/calendars', { name: 'prod' })).json().id;
    bookingId = (
      await admin.post('/environments/staging/bookings', {
        releaseId: 'rel-1',
        phase: 'integration',
        from: '2026-12-02T00:00:00Z',
        until: '2026-12-03T00:00:00Z',
      })
    ).json().id;
  });
  afterAll(async () => {
    await f?.close();
  });

  const window = { kind: 'deny', schedule: '0 22 * * *', durationMinutes: 60, timeZone: 'Europe/Berlin' };
  const booking = {
    releaseId: 'rel-2',
    phase: 'integration',
    from: '2026-12-10T00:00:00Z',
    until: '2026-12-11T00:00:00Z',
  };
  const attestation = {
    tool: 'masker',
    ruleSetVersion: 'v1',
    maskedOutputSha256: 'ab'.repeat(32),
    expiresAt: '2027-01-01T00:00:00Z',
  };
  const override = { service: 'checkout', environment: 'staging', until: '2026-12-01T12:00:00Z', reason: 'hotfix' };
  type Case = [
    what: string,
    method: 'post' | 'put' | 'get' | 'del',
    url: () => string,
    body: object | undefined,
    status: number,
    code: string,
    roles?: string[],
  ];
  const cases: Case[] = [
    [
      'an unknown IANA zone',
      'post',
      () => `/calendars/${calendarId}/windows`,
      { ...window, timeZone: 'Mars/Olympus' },
      422,
      'ORCHESTRATION_TIME_ZONE_UNKNOWN',
    ],
    [
      'a cron expression that does not parse',
      'post',
      () => `/calendars/${calendarId}/windows`,
      { ...window, schedule: '0 25 * * *' },
      422,
      'ORCHESTRATION_CRON_INVALID',
    ],
    [
      'a window of zero minutes',
      'post',
      () => `/calendars/${calendarId}/windows`,
      { ...window, durationMinutes: 0 },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a window of negative duration',
      'post',
      () => `/calendars/${calendarId}/windows`,
      { ...window, durationMinutes: -30 },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a business-critical period without a reason',
      'post',
      () => `/calendars/${calendarId}/windows`,
      { ...window, purpose: 'business-critical' },
      422,
      'ORCHESTRATION_WINDOW_REASON_REQUIRED',
    ],
    [
      'a window on an unknown calendar',
      'post',
      () => '/calendars/0193a000-0000-7000-8000-000000000999/windows',
      window,
      404,
      'ORCHESTRATION_CALENDAR_NOT_FOUND',
    ],
    [
      'holidays of an unknown country',
      'post',
      () => '/calendars',
      { name: 'x', holidays: [{ country: 'QQ' }] },
      422,
      'ORCHESTRATION_HOLIDAY_REGION_UNKNOWN',
    ],
    [
      'a booking whose end is not after its start',
      'post',
      () => '/environments/staging/bookings',
      { ...booking, until: booking.from },
      422,
      'ORCHESTRATION_BOOKING_RANGE_INVALID',
    ],
    [
      'a booking in the past',
      'post',
      () => '/environments/staging/bookings',
      { ...booking, from: '2026-11-30T00:00:00Z' },
      422,
      'ORCHESTRATION_BOOKING_IN_PAST',
    ],
    [
      'a booking naming an unknown dataset',
      'post',
      () => '/environments/staging/bookings',
      { ...booking, datasets: ['nope'] },
      422,
      'ORCHESTRATION_DATASET_NOT_FOUND',
    ],
    [
      'a booking with an unknown field',
      'post',
      () => '/environments/staging/bookings',
      { ...booking, colour: 'red' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a booking of an unknown environment',
      'post',
      () => '/environments/nowhere/bookings',
      booking,
      404,
      'ORCHESTRATION_ENVIRONMENT_NOT_FOUND',
    ],
    [
      'cancelling an unknown booking',
      'del',
      () => '/environments/staging/bookings/0193a000-0000-7000-8000-000000000999',
      undefined,
      404,
      'ORCHESTRATION_BOOKING_NOT_FOUND',
    ],
    [
      'an attestation with a malformed digest',
      'post',
      () => '/datasets/orders/attestations',
      { ...attestation, maskedOutputSha256: 'XYZ' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'an attestation already expired',
      'post',
      () => '/datasets/orders/attestations',
      { ...attestation, expiresAt: '2026-11-01T00:00:00Z' },
      422,
      'ORCHESTRATION_ATTESTATION_ALREADY_EXPIRED',
    ],
    [
      'an attestation of an unknown dataset',
      'post',
      () => '/datasets/nope/attestations',
      attestation,
      404,
      'ORCHESTRATION_DATASET_NOT_FOUND',
    ],
    [
      'a report for an unknown environment',
      'post',
      () => '/environments/nowhere/actual-config',
      { config: {} },
      404,
      'ORCHESTRATION_ENVIRONMENT_NOT_FOUND',
    ],
    [
      'the drift of an unknown environment',
      'get',
      () => '/environments/nowhere/drift',
      undefined,
      404,
      'ORCHESTRATION_ENVIRONMENT_NOT_FOUND',
    ],
    [
      'a window check for an unknown environment',
      'get',
      () => '/windows/check?service=checkout&environment=nowhere',
      undefined,
      404,
      'ORCHESTRATION_ENVIRONMENT_NOT_FOUND',
    ],
    [
      'a deploy check for an unknown environment',
      'post',
      () => '/deployments/check',
      { service: 'checkout', environment: 'nowhere' },
      404,
      'ORCHESTRATION_ENVIRONMENT_NOT_FOUND',
    ],
    [
      'a quota below zero',
      'put',
      () => '/quotas/payments/staging',
      { limits: { concurrentDeployments: -1, instances: 1, cpuUnits: 1, memoryUnits: 1 } },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a reservation on a team without quota',
      'post',
      () => '/quotas/search/staging/reservations',
      { deploymentId: 'd1', demand: { instances: 1, cpuUnits: 1, memoryUnits: 1 } },
      404,
      'ORCHESTRATION_QUOTA_NOT_FOUND',
    ],
    [
      'an override without a reason',
      'post',
      () => '/windows/overrides',
      { ...override, reason: '  ' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'an override that ends before it starts',
      'post',
      () => '/windows/overrides',
      { ...override, until: '2026-12-01T08:00:00Z' },
      422,
      'ORCHESTRATION_OVERRIDE_RANGE_INVALID',
    ],
    [
      'an override by a deployer (wrong role)',
      'post',
      () => '/windows/overrides',
      override,
      403,
      'RAILYARD_AUTH_FORBIDDEN',
      ['deployer'],
    ],
    [
      'an override by a release manager (wrong role)',
      'post',
      () => '/windows/overrides',
      override,
      403,
      'RAILYARD_AUTH_FORBIDDEN',
      ['release-manager'],
    ],
  ];
  for (const [what, method, url, body, status, code, roles] of cases) {
    it(`refuses ${what}: ${status} ${code}, appending nothing`, async () => {
      const client = roles ? await f.as('someone', roles) : admin;
      const before = await f.head();
      const res = await (method === 'get' || method === 'del' ? client[method](url()) : client[method](url(), body));
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe(code);
      expect(await f.head()).toBe(before);
    });
  }

  it('really had something to cancel: the same booking cancels fine (the table is not vacuous)', async () => {
    expect((await admin.del(`/environments/staging/bookings/${bookingId}`)).statusCode).toBe(200);
  });
});
