import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { cabEvents } from './cab-events.js';
import { complianceEvents } from './compliance-events.js';
import { dependencyEvents } from './dependency-events.js';
import { freezeExceptionEvents } from './freeze-exception-events.js';
import { rollbackCriteriaEvents } from './rollback-criteria-events.js';
import { Criticality, ScopeItemKind } from './scope-kind.js';

export { Criticality, ScopeItemKind } from './scope-kind.js';

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
    service: z.string().min(1).max(100).optional(),
    criticality: Criticality.optional(),
    author: z.string().min(1).max(200),
  }),
  'A scope item (feature, fix or chore) was proposed for a release by its author; a product owner accepts or defers it.',
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

export const ScopeItemAccepted = defineEvent(
  'ScopeItemAccepted',
  z.strictObject({ releaseId: z.uuid(), itemId: z.uuid(), acceptedBy: z.string().min(1).max(200) }),
  'A product owner accepted a proposed scope item: it is in the release.',
);

export const ScopeItemDeferred = defineEvent(
  'ScopeItemDeferred',
  z.strictObject({
    releaseId: z.uuid(),
    itemId: z.uuid(),
    reason: z.string().min(1).max(1000),
    deferredBy: z.string().min(1).max(200),
  }),
  'A product owner deferred a proposed scope item to a later release, saying why.',
);

export const ReleaseAttachedToSlot = defineEvent(
  'ReleaseAttachedToSlot',
  z.strictObject({
    releaseId: z.uuid(),
    trainId: z.uuid(),
    slotDate: CalendarDate,
    shipsAt: z.iso.datetime({ offset: true }),
    cutoffAt: z.iso.datetime({ offset: true }),
  }),
  'The release rides a train slot; its freeze cutoff is the slot’s.',
);

const Reason = z.string().min(1).max(2000);
export const ReleaseDeploymentStarted = defineEvent(
  'ReleaseDeploymentStarted',
  z.strictObject({ releaseId: z.uuid(), startedBy: z.string().min(1).max(200) }),
  'A CAB-approved release, its conditions acknowledged, started deploying.',
);
export const ReleaseReleased = defineEvent(
  'ReleaseReleased',
  z.strictObject({ releaseId: z.uuid(), releasedAt: z.iso.datetime({ offset: true }) }),
  'The release is live: a final state.',
);
export const ReleaseRolledBack = defineEvent(
  'ReleaseRolledBack',
  z.strictObject({ releaseId: z.uuid(), reason: Reason }),
  'The deployment was rolled back: a final state.',
);
export const ReleaseCancelled = defineEvent(
  'ReleaseCancelled',
  z.strictObject({ releaseId: z.uuid(), reason: Reason, cancelledBy: z.string().min(1).max(200) }),
  'The release was called off before deploying: a final state.',
);

const lifecycleEvents = {
  ReleasePlanned,
  ScopeItemAdded,
  ScopeItemAccepted,
  ScopeItemDeferred,
  ScopeItemRemoved,
  ReleaseAttachedToSlot,
  ReleaseFrozen,
  ReleaseDeploymentStarted,
  ReleaseReleased,
  ReleaseRolledBack,
  ReleaseCancelled,
} as const;

/** The planning service's event catalogue of the release aggregate (`release-<id>`), P1 and P3–P6 together. */
export const releaseEvents = {
  ...lifecycleEvents,
  ...dependencyEvents,
  ...complianceEvents,
  ...rollbackCriteriaEvents,
  ...freezeExceptionEvents,
  ...cabEvents,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The release aggregate's events as a discriminated union of `{ type, data }`. */
export type ReleaseEvent = {
  [K in keyof typeof releaseEvents]: { type: K; data: DataOf<(typeof releaseEvents)[K]> };
}[keyof typeof releaseEvents];
/** The data of one release event type. */
export type ReleaseEventData<K extends ReleaseEvent['type']> = Extract<ReleaseEvent, { type: K }>['data'];
