import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { upcomingSlots } from './domain/slots.js';
import type { ReleaseTrain } from './domain/train.js';

export const SlotView = schemaComponent(
  'TrainSlot',
  z.object({ slotDate: z.string(), shipsAt: z.string(), cutoffAt: z.string() }),
);
export const TrainView = schemaComponent(
  'Train',
  z.object({
    id: z.uuid(),
    name: z.string(),
    timeZone: z.string(),
    firstSlot: z.string(),
    everyWeeks: z.number().int(),
    releaseTime: z.string(),
    cutoffDaysBefore: z.number().int(),
    teams: z.array(z.string()),
    upcomingSlots: z.array(SlotView).describe('The next slots that ship after now, with their freeze cutoffs.'),
    revision: z.number().int(),
  }),
);
export type TrainView = z.infer<typeof TrainView>;
export const TrainIdParams = z.strictObject({ id: z.uuid() });

export function trainView(train: ReleaseTrain, revision: bigint, now: Date, count = 4): TrainView {
  const { exists: _exists, ...rest } = train;
  return { ...rest, upcomingSlots: upcomingSlots(train, now, count), revision: Number(revision) };
}
