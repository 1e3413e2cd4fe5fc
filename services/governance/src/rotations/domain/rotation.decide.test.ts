import { GovernanceErrorCodes, type RotationEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { weightOf } from './fairness.js';
import { rotationDecider } from './rotation.decide.js';
import { type RotationDefinition, turnAt } from './rotation-schedule.js';

const rotationId = '0193a000-0000-7000-8000-0000000000a1';
const members = ['ana', 'bo', 'cy'];
// Daily turns handed over at 09:00 in Berlin, from Thursday 22 October 2026, 09:00 CEST (07:00Z). Summer time ends
// on Sunday 25 October at 03:00 CEST: from then 09:00 Berlin is 08:00Z.
const berlin: RotationDefinition = {
  members,
  turn: { days: 1 },
  handoff: { time: '09:00', timeZone: 'Europe/Berlin' },
  startsAt: '2026-10-22T07:00:00.000Z',
  endsAt: '2026-11-22T07:00:00.000Z',
};
const define = {
  type: 'DefineRotation' as const,
  rotationId,
  name: 'prod leads',
  environment: 'prod',
  ...berlin,
  holidays: null,
  reason: 'G8',
  eligible: members,
  actor: 'rm',
  at: new Date('2026-10-01T00:00:00Z'),
};
const defined: RotationEvent = {
  type: 'RotationDefined',
  data: {
    rotationId,
    name: 'prod leads',
    environment: 'prod',
    ...berlin,
    members,
    holidays: null,
    definedBy: 'rm',
    reason: 'G8',
  },
};
const started = (principal: string, startsAt: string, endsAt: string, extra = {}): RotationEvent => ({
  type: 'RotationTurnStarted',
  data: { rotationId, environment: 'prod', principal, startsAt, endsAt, override: false, skipped: [], ...extra },
});

describe('rotation schedule across DST (Europe/Berlin)', () => {
  it('hands over at 09:00 local time before and after summer time ends', () => {
    const at = (iso: string) => {
      const t = turnAt(berlin, new Date(iso));
      return (
        t && { index: t.index, nominal: t.nominal, startsAt: t.startsAt.toISOString(), endsAt: t.endsAt.toISOString() }
      );
    };
    expect(at('2026-10-22T07:00:00Z')).toEqual({
      index: 0,
      nominal: 'ana',
      startsAt: '2026-10-22T07:00:00.000Z',
      endsAt: '2026-10-23T07:00:00.000Z',
    });
    // Saturday 09:00 CEST to Sunday 09:00 CET: the turn spanning the change lasts 25 hours.
    expect(at('2026-10-25T07:30:00Z')).toEqual({
      index: 2,
      nominal: 'cy',
      startsAt: '2026-10-24T07:00:00.000Z',
      endsAt: '2026-10-25T08:00:00.000Z',
    });
    expect(at('2026-10-25T08:00:00Z')).toMatchObject({
      index: 3,
      nominal: 'ana',
      startsAt: '2026-10-25T08:00:00.000Z',
    });
    expect(at('2026-10-28T12:00:00Z')).toMatchObject({ index: 6, startsAt: '2026-10-28T08:00:00.000Z' });
    expect(at('2026-10-22T06:59:59Z')).toBeNull();
    expect(at('2026-11-22T07:00:00Z')).toBeNull();
  });

  it('makes the first turn run to the first handoff when the rotation starts between handoffs', () => {
    const t = turnAt(
      { ...berlin, turn: { days: 7 }, startsAt: '2026-10-22T12:00:00Z' },
      new Date('2026-10-23T00:00:00Z'),
    );
    expect(t?.startsAt.toISOString()).toBe('2026-10-22T12:00:00.000Z');
    // The week from Thursday 09:00 CEST ends the next Thursday at 09:00 CET.
    expect(t?.endsAt.toISOString()).toBe('2026-10-29T08:00:00.000Z');
  });

  it('weighs weekend and public-holiday hours double', () => {
    // Saturday 3 October 2026 is German Unity Day and a Saturday; Monday 5 October is a plain weekday.
    expect(
      weightOf(new Date('2026-10-05T07:00:00Z'), new Date('2026-10-06T07:00:00Z'), 'Europe/Berlin', null).weight,
    ).toBe(1);
    expect(
      weightOf(new Date('2026-10-03T07:00:00Z'), new Date('2026-10-04T07:00:00Z'), 'Europe/Berlin', null).weight,
    ).toBe(2);
    // Christmas Day 2026 is a Friday: a holiday only with the country's calendar.
    const xmas = [new Date('2026-12-24T23:00:00Z'), new Date('2026-12-25T23:00:00Z')] as const;
    expect(weightOf(...xmas, 'Europe/Berlin', null).weight).toBe(1);
    expect(weightOf(...xmas, 'Europe/Berlin', { country: 'DE' }).weight).toBe(2);
  });
});

describe('rotation decider', () => {
  describe('with no rotation', () => {
    it('defines it, and announces nothing before it starts', () => {
      spec(rotationDecider).when(define).then([defined]);
    });
    it('announces the turn in progress when defined late', () => {
      spec(rotationDecider)
        .when({ ...define, at: new Date('2026-10-23T10:00:00Z'), eligible: ['ana', 'cy'] })
        .then([
          defined,
          started('cy', '2026-10-23T07:00:00.000Z', '2026-10-24T07:00:00.000Z', {
            skipped: [{ principal: 'bo', reason: 'no lead grant on prod at 2026-10-23T07:00:00.000Z' }],
          }),
        ]);
    });
    it('refuses a rotation nobody is eligible to lead', () => {
      spec(rotationDecider)
        .when({ ...define, eligible: [] })
        .thenThrows(GovernanceErrorCodes.ROTATION_NO_ELIGIBLE_MEMBER);
    });
    it('refuses an unknown zone and an empty span', () => {
      spec(rotationDecider)
        .when({ ...define, handoff: { time: '09:00', timeZone: 'Europe/Atlantis' } })
        .thenThrows(GovernanceErrorCodes.ROTATION_TIME_ZONE_UNKNOWN);
      spec(rotationDecider)
        .when({ ...define, endsAt: define.startsAt })
        .thenThrows(GovernanceErrorCodes.ROTATION_SPAN_INVALID);
    });
    it('has no overrides or turns to start', () => {
      spec(rotationDecider)
        .when({ type: 'StartTurn', eligible: members, actor: 'governance', at: new Date() })
        .thenThrows(GovernanceErrorCodes.ROTATION_NOT_FOUND);
    });
  });

  describe('when defined', () => {
    const override = {
      type: 'AddOverride' as const,
      overrideId: '0193a000-0000-7000-8000-0000000000b1',
      principal: 'dee',
      from: '2026-10-23T12:00:00.000Z',
      to: '2026-10-23T18:00:00.000Z',
      reason: 'bo at the dentist',
      eligible: members,
      actor: 'rm',
      at: new Date('2026-10-23T13:00:00Z'),
    };
    it('announces each turn once, as it begins', () => {
      const at = new Date('2026-10-23T07:00:00Z');
      const turn = started('bo', '2026-10-23T07:00:00.000Z', '2026-10-24T07:00:00.000Z');
      spec(rotationDecider)
        .given([defined])
        .when({ type: 'StartTurn', eligible: members, actor: 'governance', at })
        .then([turn]);
      spec(rotationDecider)
        .given([defined, turn])
        .when({ type: 'StartTurn', eligible: members, actor: 'governance', at: new Date('2026-10-23T09:00:00Z') })
        .thenNothing();
    });
    it('announces an override covering now at once, and the turn again after it', () => {
      const turn = started('bo', '2026-10-23T07:00:00.000Z', '2026-10-24T07:00:00.000Z');
      const { type: _t, eligible: _e, actor: _a, at: _at, ...data } = override;
      const added: RotationEvent = {
        type: 'RotationOverrideAdded',
        data: { rotationId, ...data, addedBy: 'rm' },
      };
      const overridden = started('dee', override.from, override.to, { override: true });
      spec(rotationDecider).given([defined, turn]).when(override).then([added, overridden]);
      spec(rotationDecider)
        .given([defined, turn, added, overridden])
        .when({ type: 'StartTurn', eligible: members, actor: 'governance', at: new Date('2026-10-23T19:00:00Z') })
        .then([started('bo', override.to, '2026-10-24T07:00:00.000Z')]);
    });
    it('refuses an override outside the rotation, or ending before it starts', () => {
      spec(rotationDecider)
        .given([defined])
        .when({ ...override, from: '2026-10-21T00:00:00.000Z' })
        .thenThrows(GovernanceErrorCodes.ROTATION_OVERRIDE_OUTSIDE_SPAN);
      spec(rotationDecider)
        .given([defined])
        .when({ ...override, to: '2026-12-01T00:00:00.000Z' })
        .thenThrows(GovernanceErrorCodes.ROTATION_OVERRIDE_OUTSIDE_SPAN);
      spec(rotationDecider)
        .given([defined])
        .when({ ...override, to: override.from })
        .thenThrows(GovernanceErrorCodes.ROTATION_SPAN_INVALID);
    });
  });
});
