import { GovernanceErrorCodes, invalid, notFound, type RotationEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { isKnownZone, leadOf, type Override, type RotationDefinition, segmentAt } from './rotation-schedule.js';

export type Rotation = RotationDefinition & {
  rotationId: string;
  name: string;
  environment: string;
  holidays: { country: string; region?: string } | null;
};

export interface RotationState {
  rotation: Rotation | null;
  overrides: Override[];
  /** The last RotationTurnStarted: a segment is announced once. */
  lastTurn: { startsAt: string; principal: string; override: boolean } | null;
}

type Issued = { actor: string; at: Date };
export type DefineRotation = Issued &
  Omit<Rotation, 'endsAt'> & {
    type: 'DefineRotation';
    endsAt: string | null;
    reason: string;
    /** Members holding a `lead` grant on the environment at the turn in progress (or the first turn's) start. */
    eligible: readonly string[];
  };
export type AddOverride = Issued &
  Override & {
    type: 'AddOverride';
    reason: string;
    /** Members eligible at the start of the turn in progress (for the turn resumed around the override). */
    eligible: readonly string[];
  };
/** The scheduler's: announce the stretch of on-call in progress at `at`, unless it has been. */
export type StartTurn = Issued & { type: 'StartTurn'; eligible: readonly string[] };
export type RotationCommand = DefineRotation | AddOverride | StartTurn;

const iso = (s: string) => new Date(s).toISOString();

/** The RotationTurnStarted for the stretch in progress at `at`, when it differs from the last one announced. */
function turnStarted(
  rotation: Rotation,
  overrides: readonly Override[],
  last: RotationState['lastTurn'],
  at: Date,
  eligible: readonly string[],
): RotationEvent[] {
  const segment = segmentAt(rotation, overrides, at);
  if (!segment) return [];
  const lead = segment.override
    ? { principal: segment.override.principal, skipped: [] as string[] }
    : leadOf(rotation, segment.turn, new Set(eligible));
  // Nobody eligible: nothing to announce (the on-call query says so); the skips show on the next turn that has one.
  if (!lead) return [];
  const startsAt = segment.startsAt.toISOString();
  const override = segment.override !== null;
  if (last && last.startsAt === startsAt && last.principal === lead.principal && last.override === override) return [];
  return [
    {
      type: 'RotationTurnStarted',
      data: {
        rotationId: rotation.rotationId,
        environment: rotation.environment,
        principal: lead.principal,
        startsAt,
        endsAt: segment.endsAt.toISOString(),
        override,
        skipped: lead.skipped.map((principal) => ({
          principal,
          reason: `no lead grant on ${rotation.environment} at ${segment.turn.startsAt.toISOString()}`,
        })),
      },
    },
  ];
}

function define(c: DefineRotation, s: RotationState): RotationEvent[] {
  if (s.rotation) throw invalid(GovernanceErrorCodes.ROTATION_SPAN_INVALID, 'This rotation is defined already.');
  if (!isKnownZone(c.handoff.timeZone)) {
    throw invalid(GovernanceErrorCodes.ROTATION_TIME_ZONE_UNKNOWN, `Unknown IANA time zone: ${c.handoff.timeZone}.`);
  }
  if (c.endsAt && new Date(c.endsAt) <= new Date(c.startsAt)) {
    throw invalid(GovernanceErrorCodes.ROTATION_SPAN_INVALID, 'A rotation must end after it starts.');
  }
  if (c.eligible.length === 0) {
    throw invalid(
      GovernanceErrorCodes.ROTATION_NO_ELIGIBLE_MEMBER,
      `No member holds a lead grant on ${c.environment}: the rotation would have nobody to lead.`,
      { members: c.members },
    );
  }
  const rotation: Rotation = {
    rotationId: c.rotationId,
    name: c.name,
    environment: c.environment,
    members: c.members,
    turn: c.turn,
    handoff: c.handoff,
    startsAt: iso(c.startsAt),
    endsAt: c.endsAt ? iso(c.endsAt) : null,
    holidays: c.holidays,
  };
  return [
    { type: 'RotationDefined', data: { ...rotation, members: [...c.members], definedBy: c.actor, reason: c.reason } },
    ...turnStarted(rotation, [], null, c.at, c.eligible),
  ];
}

function addOverride(c: AddOverride, s: RotationState): RotationEvent[] {
  const rotation = defined(s);
  const from = new Date(c.from);
  const to = new Date(c.to);
  if (from >= to) throw invalid(GovernanceErrorCodes.ROTATION_SPAN_INVALID, 'An override must end after it starts.');
  if (from < new Date(rotation.startsAt) || (rotation.endsAt && to > new Date(rotation.endsAt))) {
    throw invalid(
      GovernanceErrorCodes.ROTATION_OVERRIDE_OUTSIDE_SPAN,
      `The override must lie within the rotation (${rotation.startsAt} – ${rotation.endsAt ?? 'open-ended'}).`,
    );
  }
  const override: Override = { overrideId: c.overrideId, principal: c.principal, from: iso(c.from), to: iso(c.to) };
  return [
    {
      type: 'RotationOverrideAdded',
      data: { rotationId: rotation.rotationId, ...override, reason: c.reason, addedBy: c.actor },
    },
    ...turnStarted(rotation, [...s.overrides, override], s.lastTurn, c.at, c.eligible),
  ];
}

function defined(s: RotationState): Rotation {
  if (!s.rotation) throw notFound(GovernanceErrorCodes.ROTATION_NOT_FOUND, 'No rotation with this id.');
  return s.rotation;
}

/** Deployment-lead rotations (G8), in `rotation-<id>`. */
export const rotationDecider: Decider<RotationCommand, RotationEvent, RotationState> = {
  initialState: { rotation: null, overrides: [], lastTurn: null },
  evolve(s, e) {
    switch (e.type) {
      case 'RotationDefined': {
        const { definedBy: _d, reason: _r, ...rotation } = e.data;
        return { ...s, rotation };
      }
      case 'RotationOverrideAdded': {
        const { overrideId, principal, from, to } = e.data;
        return { ...s, overrides: [...s.overrides, { overrideId, principal, from, to }] };
      }
      case 'RotationTurnStarted':
        return {
          ...s,
          lastTurn: { startsAt: e.data.startsAt, principal: e.data.principal, override: e.data.override },
        };
    }
  },
  decide(c, s) {
    switch (c.type) {
      case 'DefineRotation':
        return define(c, s);
      case 'AddOverride':
        return addOverride(c, s);
      case 'StartTurn': {
        const rotation = defined(s);
        return turnStarted(rotation, s.overrides, s.lastTurn, c.at, c.eligible);
      }
    }
  },
};
