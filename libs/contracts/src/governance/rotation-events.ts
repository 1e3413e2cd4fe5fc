import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentName } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Deployment-lead rotations (G8): `rotation-<id>`, owned by governance. Governance defines rotations (members, turn
 * length, handoff time in an IANA zone, overrides) in this stream; the events below are the part other services
 * consume. Governance's scheduler appends `RotationTurnStarted` when a turn begins (and at once for the turn in
 * progress when a rotation is defined or changed). Orchestration keeps the latest turn per environment and gives a
 * rollout plan that names no lead the on-call principal of its environment.
 *
 * Governance adds its own definition events (defined, overridden, member skipped …) to `rotationEvents` in this
 * file; consumers outside governance read only `RotationTurnStarted`.
 */

export const RotationTurnStarted = defineEvent(
  'RotationTurnStarted',
  z.strictObject({
    rotationId: z.uuid(),
    environment: EnvironmentName,
    principal: z.string().min(1).max(200).describe('The on-call deployment lead for this turn.'),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    override: z.boolean().describe('True when an override, not the rotation order, chose the principal.'),
    skipped: z
      .array(z.strictObject({ principal: z.string().min(1).max(200), reason: z.string().min(1).max(2000) }))
      .describe('Members whose turn it would have been but who were not eligible (e.g. their lead grant lapsed).'),
  }),
  'A turn of a deployment-lead rotation began: who leads rollouts to the environment until endsAt, and who was skipped.',
);

const principal = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true });

/** A turn's length: whole days (handed over at the handoff's wall-clock time) or hours (elapsed, from the handoff). */
export const RotationTurn = z.union([
  z.strictObject({ days: z.number().int().min(1).max(90) }),
  z.strictObject({
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
  }),
]);

export const RotationDefined = defineEvent(
  'RotationDefined',
  z.strictObject({
    rotationId: z.uuid(),
    name: z.string().min(1).max(200),
    environment: EnvironmentName,
    members: z.array(principal).min(1).max(100).describe('In turn order.'),
    turn: RotationTurn,
    handoff: z.strictObject({
      time: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
        .describe('Local wall-clock time, HH:mm.'),
      timeZone: z.string().min(1).max(100).describe('IANA zone of the handoff time.'),
    }),
    startsAt: instant,
    endsAt: instant.nullable(),
    holidays: z
      .strictObject({ country: z.string().length(2), region: z.string().min(1).max(10).optional() })
      .nullable()
      .describe('Public holidays weighted in the fairness ledger (date-holidays country/region), or none.'),
    definedBy: principal,
    reason: z.string().max(2000),
  }),
  'A deployment-lead rotation was defined (governance only): members in order, turn length, handoff time and zone, span.',
);

export const RotationOverrideAdded = defineEvent(
  'RotationOverrideAdded',
  z.strictObject({
    rotationId: z.uuid(),
    overrideId: z.uuid(),
    principal,
    from: instant,
    to: instant,
    reason: z.string().min(1).max(2000),
    addedBy: principal,
  }),
  'Someone else leads from `from` to `to` (governance only); the latest override covering an instant wins.',
);

export const rotationEvents = { RotationTurnStarted, RotationDefined, RotationOverrideAdded } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type RotationEvent = {
  [K in keyof typeof rotationEvents]: { type: K; data: DataOf<(typeof rotationEvents)[K]> };
}[keyof typeof rotationEvents];

/** `rotation-<id>`. */
export const rotationStream = (id: string) => streamName('rotation', id);
