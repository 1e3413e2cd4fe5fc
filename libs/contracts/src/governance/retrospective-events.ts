import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { streamName } from '../streams.js';
import { CheckSlug, PolicyName } from './policy-events.js';

/**
 * Retrospectives (G5): `retrospective-<id>`, owned by governance. A blameless record of a rollback or an incident:
 * a timeline, contributing factors, what went well; action items with an owner and a due date, tracked to done;
 * feedback from support and operations. An action or a feedback item can be adopted as a pre-deployment check: a
 * new deployment policy version requires it, and the retrospective records which version.
 */

const retrospectiveId = z.uuid();
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });
const text = z.string().trim().min(1).max(2000);

export const RetrospectiveSubject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rollback'), deploymentId: z.uuid() }),
  z.strictObject({ kind: z.literal('incident'), incidentId: z.uuid() }),
]);
export type RetrospectiveSubject = z.infer<typeof RetrospectiveSubject>;

export const TimelineEntry = z.strictObject({ at, description: text });

export const RetrospectiveRecorded = defineEvent(
  'RetrospectiveRecorded',
  z.strictObject({
    retrospectiveId,
    subject: RetrospectiveSubject,
    title: z.string().trim().min(1).max(300),
    timeline: z.array(TimelineEntry).max(500),
    contributingFactors: z.array(text).max(100).describe('Conditions that contributed, never people to blame.'),
    wentWell: z.array(text).max(100),
    recordedBy: by,
    recordedAt: at,
  }),
  'A blameless retrospective of a rollback or an incident was recorded.',
);

export const RetrospectiveActionAdded = defineEvent(
  'RetrospectiveActionAdded',
  z.strictObject({
    retrospectiveId,
    actionId: z.uuid(),
    description: text,
    owner: by,
    dueDate: z.iso.date().describe('The last day (UTC) the action may be done on time.'),
    addedBy: by,
  }),
  'An action item with an owner and a due date.',
);

export const RetrospectiveActionCompleted = defineEvent(
  'RetrospectiveActionCompleted',
  z.strictObject({ retrospectiveId, actionId: z.uuid(), completedBy: by, completedAt: at, note: text }),
  'An action item is done.',
);

export const RetrospectiveFeedbackAdded = defineEvent(
  'RetrospectiveFeedbackAdded',
  z.strictObject({
    retrospectiveId,
    feedbackId: z.uuid(),
    source: z.enum(['support', 'operations']),
    description: text,
    submittedBy: by,
  }),
  'Feedback from support or operations entered the retrospective as an item.',
);

export const RetrospectiveItemAdopted = defineEvent(
  'RetrospectiveItemAdopted',
  z.strictObject({
    retrospectiveId,
    itemId: z.uuid().describe('The action or feedback item adopted.'),
    check: CheckSlug,
    policyName: PolicyName,
    policyVersion: z.number().int().min(1).describe('The policy version that requires the check from now on.'),
    adoptedBy: by,
  }),
  'An action or feedback item became a pre-deployment check: a new policy version requires it.',
);

export const retrospectiveEvents = {
  RetrospectiveRecorded,
  RetrospectiveActionAdded,
  RetrospectiveActionCompleted,
  RetrospectiveFeedbackAdded,
  RetrospectiveItemAdopted,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type RetrospectiveEvent = {
  [K in keyof typeof retrospectiveEvents]: { type: K; data: DataOf<(typeof retrospectiveEvents)[K]> };
}[keyof typeof retrospectiveEvents];

/** `retrospective-<id>`. */
export const retrospectiveStream = (id: string) => streamName('retrospective', id);
