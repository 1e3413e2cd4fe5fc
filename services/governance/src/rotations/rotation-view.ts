import { EnvironmentName, RotationTurn } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { RotationState } from './domain/rotation.decide.js';

export const RotationParams = z.strictObject({ id: z.uuid() });

export const RotationView = schemaComponent(
  'Rotation',
  z.object({
    rotationId: z.uuid(),
    name: z.string(),
    environment: EnvironmentName,
    members: z.array(z.string()),
    turn: RotationTurn,
    handoff: z.object({ time: z.string(), timeZone: z.string() }),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    overrides: z.array(z.object({ overrideId: z.string(), principal: z.string(), from: z.string(), to: z.string() })),
    currentTurn: z
      .object({ principal: z.string(), startsAt: z.string(), override: z.boolean() })
      .nullable()
      .describe('The last turn announced (RotationTurnStarted).'),
  }),
);

export function rotationView(s: RotationState): z.infer<typeof RotationView> {
  const r = s.rotation;
  if (!r) throw new TypeError('a rotation view needs a defined rotation');
  return {
    rotationId: r.rotationId,
    name: r.name,
    environment: r.environment,
    members: [...r.members],
    turn: r.turn,
    handoff: r.handoff,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    overrides: s.overrides,
    currentTurn: s.lastTurn,
  };
}
