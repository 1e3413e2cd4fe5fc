import { randomUUID } from 'node:crypto';
import {
  ErrorCodes,
  GovernanceErrorCodes,
  RotationDefined,
  RotationOverrideAdded,
  RotationTurnStarted,
  rotationStream,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';

const now = new Date('2026-10-23T13:00:00.000Z');
const defined = (rotationId: string) =>
  event(RotationDefined, {
    rotationId,
    name: 'prod leads',
    environment: 'prod',
    members: ['ana', 'bo'],
    turn: { days: 1 },
    handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
    startsAt: '2026-10-22T07:00:00.000Z',
    endsAt: '2026-11-22T07:00:00.000Z',
    holidays: null,
    definedBy: 'rm',
    reason: 'G8',
  });

describe('POST /rotations/:id/overrides', () => {
  let g: GovernanceFixture;
  beforeAll(async () => {
    g = await startGovernance('addOverride', { now: () => now });
  });
  afterAll(async () => {
    await g?.close();
  });
  const post = (id: string, payload: unknown) => async () => ({
    method: 'POST' as const,
    url: `/rotations/${id}/overrides`,
    headers: await g.auth('rm-ana', ['release-manager']),
    payload,
  });
  const override = { principal: 'dee', from: '2026-10-23T12:00:00Z', to: '2026-10-23T18:00:00Z', reason: 'dentist' };

  it('records the override and announces it at once when it covers now', async () => {
    const id = randomUUID();
    await httpSpecification(g)
      .given(rotationStream(id), defined(id))
      .when(post(id, override))
      .then({
        status: 201,
        body: { overrides: [{ principal: 'dee', from: '2026-10-23T12:00:00.000Z' }] },
        events: (res) => ({
          [rotationStream(id)]: [
            event(RotationOverrideAdded, {
              rotationId: id,
              overrideId: JSON.parse(res.body).overrides[0].overrideId,
              principal: 'dee',
              from: '2026-10-23T12:00:00.000Z',
              to: '2026-10-23T18:00:00.000Z',
              reason: 'dentist',
              addedBy: 'rm-ana',
            }),
            event(RotationTurnStarted, {
              rotationId: id,
              environment: 'prod',
              principal: 'dee',
              startsAt: '2026-10-23T12:00:00.000Z',
              endsAt: '2026-10-23T18:00:00.000Z',
              override: true,
              skipped: [],
            }),
          ],
        }),
      });
  });

  it('records a future override without announcing it yet', async () => {
    const id = randomUUID();
    const { events } = await httpSpecification(g)
      .given(rotationStream(id), defined(id))
      .when(post(id, { ...override, from: '2026-10-30T00:00:00Z', to: '2026-10-31T00:00:00Z' }))
      .then({
        status: 201,
        events: {
          [rotationStream(id)]: [
            event(RotationOverrideAdded, {
              rotationId: id,
              overrideId: expect.any(String),
              principal: 'dee',
              from: '2026-10-30T00:00:00.000Z',
              to: '2026-10-31T00:00:00.000Z',
              reason: 'dentist',
              addedBy: 'rm-ana',
            }),
          ],
        },
      });
    expect(events[rotationStream(id)]).toHaveLength(1);
  });

  it('422 GOVERNANCE_ROTATION_OVERRIDE_OUTSIDE_SPAN before the start or after the end, appending nothing', async () => {
    const id = randomUUID();
    await httpSpecification(g)
      .given(rotationStream(id), defined(id))
      .when(post(id, { ...override, from: '2026-10-21T00:00:00Z' }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_OVERRIDE_OUTSIDE_SPAN });
    await httpSpecification(g)
      .given(rotationStream(id))
      .when(post(id, { ...override, to: '2026-12-01T00:00:00Z' }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_OVERRIDE_OUTSIDE_SPAN });
  });

  it('422 GOVERNANCE_ROTATION_SPAN_INVALID for an override ending before it starts', async () => {
    const id = randomUUID();
    await httpSpecification(g)
      .given(rotationStream(id), defined(id))
      .when(post(id, { ...override, to: override.from }))
      .then({ status: 422, code: GovernanceErrorCodes.ROTATION_SPAN_INVALID });
  });

  it('404 GOVERNANCE_ROTATION_NOT_FOUND for an unknown rotation', async () => {
    const id = randomUUID();
    await httpSpecification(g)
      .when(post(id, override))
      .then({ status: 404, code: GovernanceErrorCodes.ROTATION_NOT_FOUND });
  });

  it('400 RAILYARD_REQUEST_INVALID without a reason', async () => {
    const id = randomUUID();
    await httpSpecification(g)
      .given(rotationStream(id), defined(id))
      .when(post(id, { ...override, reason: undefined }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
