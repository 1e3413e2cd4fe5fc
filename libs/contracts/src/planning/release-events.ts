import { z } from 'zod';
import { defineEvent } from '../envelope.js';

export const ScopeItemKind = z.enum(['feature', 'fix', 'chore']);
export type ScopeItemKind = z.infer<typeof ScopeItemKind>;

/** A calendar date (YYYY-MM-DD): releases target a day, not an instant. */
export const CalendarDate = z.iso.date();

export const ReleasePlanned = defineEvent(
  'ReleasePlanned',
  z.strictObject({
    releaseId: z.uuid(),
    name: z.string().min(1).max(200),
    targetDate: CalendarDate,
    trainId: z.uuid().optional(),
    owner: z.string().min(1).max(200),
  }),
  'A release was planned: the start of its stream. The owner is the principal who planned it.',
);

export const ScopeItemAdded = defineEvent(
  'ScopeItemAdded',
  z.strictObject({
    releaseId: z.uuid(),
    itemId: z.uuid(),
    title: z.string().min(1).max(300),
    team: z.string().min(1).max(100),
    kind: ScopeItemKind,
    roadmapRef: z.string().min(1).max(200).optional(),
    author: z.string().min(1).max(200),
  }),
  'A scope item (feature, fix or chore) was added to a release by its author.',
);

export const ScopeItemRemoved = defineEvent(
  'ScopeItemRemoved',
  z.strictObject({
    releaseId: z.uuid(),
    itemId: z.uuid(),
    reason: z.string().max(1000).optional(),
  }),
  'A scope item was taken out of a release before the freeze.',
);

export const ReleaseFrozen = defineEvent(
  'ReleaseFrozen',
  z.strictObject({
    releaseId: z.uuid(),
    frozenAt: z.iso.datetime({ offset: true }),
    scopeItemIds: z.array(z.uuid()),
  }),
  'Code freeze: the scope of the release is fixed as listed.',
);

/** The planning service's event catalogue (release aggregate). */
export const releaseEvents = {
  ReleasePlanned,
  ScopeItemAdded,
  ScopeItemRemoved,
  ReleaseFrozen,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The release aggregate's events as a discriminated union of `{ type, data }`. */
export type ReleaseEvent = {
  [K in keyof typeof releaseEvents]: { type: K; data: DataOf<(typeof releaseEvents)[K]> };
}[keyof typeof releaseEvents];
