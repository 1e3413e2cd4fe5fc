import { z } from 'zod';
import { defineEvent } from '../envelope.js';

export const ReleaseTrainCreated = defineEvent(
  'ReleaseTrainCreated',
  z.strictObject({
    trainId: z.uuid(),
    name: z.string().min(1).max(200),
    timeZone: z.string().min(1).max(64).describe('IANA time zone the cadence is kept in.'),
    firstSlot: z.iso.date().describe('The day of the first slot.'),
    everyWeeks: z.number().int().min(1).max(26),
    releaseTime: z.iso.time({ precision: -1 }).describe('Local time of day the slot ships (HH:MM).'),
    cutoffDaysBefore: z.number().int().min(0).max(60),
    teams: z.array(z.string().min(1).max(100)).max(100),
    createdBy: z.string().min(1).max(200),
  }),
  'A release train: a slot every N weeks from a day, at a local time in a time zone; freeze cutoff N days before.',
);

export const ReleaseTrainTeamJoined = defineEvent(
  'ReleaseTrainTeamJoined',
  z.strictObject({ trainId: z.uuid(), team: z.string().min(1).max(100), by: z.string().min(1).max(200) }),
  'A team joined a release train.',
);

export const ReleaseTrainTeamLeft = defineEvent(
  'ReleaseTrainTeamLeft',
  z.strictObject({ trainId: z.uuid(), team: z.string().min(1).max(100), by: z.string().min(1).max(200) }),
  'A team left a release train.',
);

/** The release train aggregate's catalogue (`releaseTrain-<id>`). */
export const releaseTrainEvents = { ReleaseTrainCreated, ReleaseTrainTeamJoined, ReleaseTrainTeamLeft } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The release train's events as a discriminated union of `{ type, data }`. */
export type ReleaseTrainEvent = {
  [K in keyof typeof releaseTrainEvents]: { type: K; data: DataOf<(typeof releaseTrainEvents)[K]> };
}[keyof typeof releaseTrainEvents];
