import {
  ErrorCodes,
  GovernanceErrorCodes,
  RotationDefined,
  RotationTurnStarted,
  rotationStream,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';
import { issueLeadGrant } from '../../test-support/grants.js';

const now = new Date('2026-10-23T10:00:00.000Z');
const body = {
  name: 'prod leads',
  environment: 'prod',
  members: ['ana', 'bo', 'cy'],
  turn: { days: 1 },
  handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
  startsAt: '2026-10-22T07:00:00Z',
  reason: 'G8',
};

describe('POST /rotations', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('defineRotation', { now: () => now });
    await issueLeadGrant(g, 'ana', 'prod', { issuedAt: '2026-01-01T00:00:00Z' });
    // bo's grant lapsed the day before the turn in progress began: bo is skipped.
    await issueLeadGrant(g, 'bo', 'prod', { issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-10-22T00:00:00Z' });
    await issueLeadGrant(g, 'cy', 'prod', { issuedAt: '2026-01-01T00:00:00Z' });
  });
  afterAll(async () => {
    await g?.close();
  });
  const post = (payload: unknown) => async () => ({
    method: 'POST' as const,
    url: '/rotations',
    headers: await g.auth('rm-ana', ['release-manager']),
    payload,
  });

  it('defines the rotation and announces the turn in progress, recording the skip', async () => {
    const { response } = await httpSpecification(g)
      .when(post(body))
      .then({
        status: 201,
        body: { name: 'prod leads', members: ['ana', 'bo', 'cy'], endsAt: null },
        events: (res) => {
          const rotationId = JSON.parse(res.body).rotationId;
          return {
            [rotationStream(rotationId)]: [
              event(RotationDefined, {
                rotationId,
                name: 'prod leads',
                environment: 'prod',
                members: ['ana', 'bo', 'cy'],
                turn: { days: 1 },
                handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
                startsAt: '2026-10-22T07:00:00.000Z',
                endsAt: null,
                holidays: null,
                definedBy: 'rm-ana',
                reason: 'G8',
              }),
              event(RotationTurnStarted, {
                rotationId,
                environment: 'prod',
                principal: 'cy',
                startsAt: '2026-10-23T07:00:00.000Z',
                endsAt: '2026-10-24T07:00:00.000Z',
                override: false,
                skipped: [{ principal: 'bo', reason: 'no lead grant on prod at 2026-10-23T07:00:00.000Z' }],
              }),
            ],
          };
        },
      });
    expect(JSON.parse(response.body).currentTurn).toEqual({
      principal: 'cy',
      startsAt: '2026-10-23T07:00:00.000Z',
      override: false,
    });
  });

  it('422 GOVERNANCE_ROTATION_NO_ELIGIBLE_MEMBER when nobody holds a lead grant, appending nothing', async () => {
    await httpSpecification(g)
      .when(post({ ...body, members: ['bo', 'dee'] }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_NO_ELIGIBLE_MEMBER });
    // A grant on another environment does not count either.
    await httpSpecification(g)
      .when(post({ ...body, environment: 'staging' }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_NO_ELIGIBLE_MEMBER });
  });

  it('422 GOVERNANCE_ROTATION_TIME_ZONE_UNKNOWN for a zone Intl does not know', async () => {
    await httpSpecification(g)
      .when(post({ ...body, handoff: { time: '09:00', timeZone: 'Mars/Olympus' } }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_TIME_ZONE_UNKNOWN });
  });

  it('422 GOVERNANCE_ROTATION_SPAN_INVALID for a rotation ending before it starts', async () => {
    await httpSpecification(g)
      .when(post({ ...body, endsAt: '2026-10-01T00:00:00Z' }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_SPAN_INVALID });
  });

  it('422 GOVERNANCE_ROTATION_HOLIDAYS_UNKNOWN for a holiday region date-holidays does not know', async () => {
    await httpSpecification(g)
      .when(post({ ...body, holidays: { country: 'QQ' } }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_HOLIDAYS_UNKNOWN });
  });

  it('400 RAILYARD_REQUEST_INVALID for a bad handoff time, duplicate members or both turn units', async () => {
    for (const bad of [
      { ...body, handoff: { time: '9am', timeZone: 'Europe/Berlin' } },
      { ...body, members: ['ana', 'ana'] },
      { ...body, turn: { days: 1, hours: 4 } },
    ]) {
      await httpSpecification(g).when(post(bad)).then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });
});
