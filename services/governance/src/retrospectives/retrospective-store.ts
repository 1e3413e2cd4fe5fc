import {
  type EventCatalogue,
  RetrospectiveSubject,
  retrospectiveEvents,
  retrospectiveStream,
  TimelineEntry,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { isOverdue, type RetrospectiveState, retrospectiveDecider } from './domain/retrospective.decide.js';

const catalogue = retrospectiveEvents as unknown as EventCatalogue;

export const createRetrospectiveCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: retrospectiveDecider, catalogue });
export type RetrospectiveCommands = ReturnType<typeof createRetrospectiveCommands>;
export const loadRetrospective = (store: EventStore, id: string) =>
  loadAggregate(store, retrospectiveDecider, catalogue, retrospectiveStream(id));

export const RetrospectiveParams = z.strictObject({ id: z.uuid() });

const Adoption = z
  .object({ check: z.string(), policyName: z.string(), policyVersion: z.number().int(), adoptedBy: z.string() })
  .nullable()
  .describe('The policy version that made this item a required pre-deployment check.');

export const ActionView = schemaComponent(
  'RetrospectiveAction',
  z.object({
    actionId: z.string(),
    description: z.string(),
    owner: z.string(),
    dueDate: z.string(),
    status: z.enum(['open', 'done']),
    overdue: z.boolean().describe('Open and its due date (UTC) has passed, by the service clock.'),
    completedAt: z.string().nullable(),
    completedBy: z.string().nullable(),
    note: z.string().nullable(),
    adopted: Adoption,
  }),
);

export const RetrospectiveView = schemaComponent(
  'Retrospective',
  z.object({
    retrospectiveId: z.string(),
    subject: RetrospectiveSubject,
    title: z.string(),
    timeline: z.array(TimelineEntry),
    contributingFactors: z.array(z.string()),
    wentWell: z.array(z.string()),
    recordedBy: z.string(),
    recordedAt: z.string(),
    actions: z.array(ActionView),
    feedback: z.array(
      z.object({
        feedbackId: z.string(),
        source: z.enum(['support', 'operations']),
        description: z.string(),
        submittedBy: z.string(),
        adopted: Adoption,
      }),
    ),
    revision: z.number().int(),
  }),
);

/** The view of an existing retrospective at a revision, overdue flags by `now`. */
export function retrospectiveView(
  s: RetrospectiveState,
  revision: bigint,
  now: Date,
): z.infer<typeof RetrospectiveView> {
  if (!s.exists) throw new TypeError('a retrospective view needs a retrospective');
  const { exists: _e, ...rest } = s;
  return {
    ...rest,
    actions: s.actions.map((a) => ({ ...a, overdue: isOverdue(a, now) })),
    revision: Number(revision),
  };
}
