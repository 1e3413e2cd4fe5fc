import { randomUUID } from 'node:crypto';
import { anomalyStream, rotationStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';
import { issueLeadGrant } from '../../test-support/grants.js';

/**
 * The rotation's queries and its scheduler: on-call for past and future instants (across the end of summer time in
 * Berlin), turns announced once as they begin, and the fairness ledger with weekend weights and pages.
 */
let now = new Date('2026-10-22T06:00:00.000Z');

describe('GET /rotations/:id/on-call, the turn scheduler and GET /rotations/:id/ledger', () => {
  let g: GovernanceFixture;
  let id: string;
  beforeAll(async () => {
    g = await startGovernance('rotationOnCall', { now: () => now });
    await issueLeadGrant(g, 'ana', 'prod', { issuedAt: '2026-01-01T00:00:00Z' });
    await issueLeadGrant(g, 'bo', 'prod', { issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-10-24T00:00:00Z' });
    await issueLeadGrant(g, 'cy', 'prod', { issuedAt: '2026-01-01T00:00:00Z' });
    const res = await g.app.inject({
      method: 'POST',
      url: '/rotations',
      headers: await g.auth('rm-ana', ['release-manager']),
      payload: {
        name: 'prod leads',
        environment: 'prod',
        members: ['ana', 'bo', 'cy'],
        turn: { days: 1 },
        handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
        startsAt: '2026-10-22T07:00:00Z',
        endsAt: '2026-11-22T07:00:00Z',
        holidays: { country: 'DE' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().rotationId;
  });
  afterAll(async () => {
    await g?.close();
  });
  const get = async (url: string) => g.app.inject({ method: 'GET', url, headers: await g.auth('sre-1', ['sre']) });
  const onCall = async (at: string) => (await get(`/rotations/${id}/on-call?at=${at}`)).json();

  it('answers for past and future instants, skipping a member whose grant lapsed, across DST', async () => {
    expect(await onCall('2026-10-22T08:00:00Z')).toMatchObject({ principal: 'ana', override: false, skipped: [] });
    expect(await onCall('2026-10-23T08:00:00Z')).toMatchObject({ principal: 'bo' });
    // Saturday: bo's grant expired on the 24th at midnight, before the turn began at 09:00 CEST.
    expect(await onCall('2026-10-24T08:00:00Z')).toMatchObject({ principal: 'cy', turn: { nominal: 'cy' } });
    // After summer time ended the handoff is at 08:00Z; Monday is bo's turn again, and bo is passed over.
    expect(await onCall('2026-10-25T07:30:00Z')).toMatchObject({ principal: 'cy', turn: { nominal: 'cy' } });
    expect(await onCall('2026-10-26T09:00:00Z')).toMatchObject({
      principal: 'cy',
      turn: { nominal: 'bo', startsAt: '2026-10-26T08:00:00.000Z', endsAt: '2026-10-27T08:00:00.000Z' },
      skipped: [{ principal: 'bo', reason: 'no lead grant on prod at 2026-10-26T08:00:00.000Z' }],
    });
    expect(await onCall('2026-10-21T00:00:00Z')).toMatchObject({ principal: null, turn: null });
    const missing = await get(`/rotations/${randomUUID()}/on-call`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('GOVERNANCE_ROTATION_NOT_FOUND');
  });

  it('announces each turn once as it begins, then counts turns, weights and pages', async () => {
    const types = async () =>
      (await g.store.readStream(rotationStream(id))).filter((e) => e.type === 'RotationTurnStarted').map((e) => e.data);
    await g.runtime.rotationScheduler.tick();
    expect(await types()).toEqual([]);
    for (const at of ['2026-10-22T07:00:00Z', '2026-10-22T12:00:00Z', '2026-10-23T07:30:00Z', '2026-10-24T07:30:00Z']) {
      now = new Date(at);
      await g.runtime.rotationScheduler.tick();
    }
    expect((await types()).map((d) => [d.principal, d.startsAt, d.skipped])).toEqual([
      ['ana', '2026-10-22T07:00:00.000Z', []],
      ['bo', '2026-10-23T07:00:00.000Z', []],
      ['cy', '2026-10-24T07:00:00.000Z', []],
    ]);
    // A page (monitoring's escalation for prod) while bo led.
    await g.append([
      {
        stream: anomalyStream(randomUUID()),
        type: 'AnomalyEscalated',
        at: '2026-10-23T15:00:00.000Z',
        data: {
          anomalyId: randomUUID(),
          dedupKey: 'prod-5xx',
          severity: 'critical',
          summary: '5xx on checkout',
          service: 'checkout',
          environment: 'prod',
          deploymentId: null,
          releaseId: null,
          lead: 'bo',
          sentTo: 'http://127.0.0.1:1/pagerduty',
          attempts: 1,
          responseStatus: 202,
          escalatedAt: '2026-10-23T15:00:00.000Z',
        },
      },
    ]);
    await waitFor('the page', async () =>
      (await g.pool.query('SELECT 1 FROM governance.rotation_pages')).rowCount ? true : undefined,
    );
    const ledger = await get(`/rotations/${id}/ledger`);
    expect(ledger.statusCode, ledger.body).toBe(200);
    expect(ledger.json().members).toEqual([
      { principal: 'ana', turns: 1, overrides: 0, weightedTurns: 1, weekendOrHolidayDays: 0, skipped: 0, pages: 0 },
      // Friday 09:00 to Saturday 09:00: 9 Saturday hours count double, (15 + 18) / 24.
      { principal: 'bo', turns: 1, overrides: 0, weightedTurns: 1.38, weekendOrHolidayDays: 1, skipped: 0, pages: 1 },
      // Saturday 09:00 CEST to Sunday 09:00 CET: 25 weekend hours, doubled.
      { principal: 'cy', turns: 1, overrides: 0, weightedTurns: 2.08, weekendOrHolidayDays: 2, skipped: 0, pages: 0 },
    ]);
  });
});
