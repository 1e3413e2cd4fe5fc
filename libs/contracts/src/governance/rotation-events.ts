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

export const rotationEvents = { RotationTurnStarted } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type RotationEvent = {
  [K in keyof typeof rotationEvents]: { type: K; data: DataOf<(typeof rotationEvents)[K]> };
}[keyof typeof rotationEvents];

/** `rotation-<id>`. */
export const rotationStream = (id: string) => streamName('rotation', id);
