import {
  GovernanceErrorCodes as Codes,
  invalid,
  notFound,
  type RetrospectiveEvent,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

type DataOf<T extends RetrospectiveEvent['type']> = Extract<RetrospectiveEvent, { type: T }>['data'];
type Recorded = DataOf<'RetrospectiveRecorded'>;

export interface Adoption {
  check: string;
  policyName: string;
  policyVersion: number;
  adoptedBy: string;
}
export interface ActionItem {
  actionId: string;
  description: string;
  owner: string;
  dueDate: string;
  status: 'open' | 'done';
  completedAt: string | null;
  completedBy: string | null;
  note: string | null;
  adopted: Adoption | null;
}
export interface FeedbackItem {
  feedbackId: string;
  source: 'support' | 'operations';
  description: string;
  submittedBy: string;
  adopted: Adoption | null;
}

export type RetrospectiveState =
  | { exists: false }
  | (Omit<Recorded, 'retrospectiveId'> & {
      exists: true;
      retrospectiveId: string;
      actions: ActionItem[];
      feedback: FeedbackItem[];
    });

export type RetrospectiveCommand =
  | ({ type: 'RecordRetrospective'; actor: string; at: Date } & Omit<Recorded, 'recordedBy' | 'recordedAt'>)
  | {
      type: 'AddAction';
      actionId: string;
      description: string;
      owner: string;
      dueDate: string;
      actor: string;
      at: Date;
    }
  | { type: 'CompleteAction'; actionId: string; note: string; actor: string; at: Date }
  | { type: 'AddFeedback'; feedbackId: string; source: 'support' | 'operations'; description: string; actor: string }
  | { type: 'RecordAdoption'; itemId: string; check: string; policyName: string; policyVersion: number; actor: string };

export type RetrospectiveItem = { kind: 'action'; item: ActionItem } | { kind: 'feedback'; item: FeedbackItem };

/** The action or feedback item with this id, or a 404. */
export function findItem(s: RetrospectiveState, itemId: string): RetrospectiveItem {
  if (!s.exists) throw notFound(Codes.RETROSPECTIVE_NOT_FOUND, 'No retrospective with this id.');
  const action = s.actions.find((a) => a.actionId === itemId);
  if (action) return { kind: 'action', item: action };
  const feedback = s.feedback.find((f) => f.feedbackId === itemId);
  if (feedback) return { kind: 'feedback', item: feedback };
  throw notFound(Codes.RETROSPECTIVE_ITEM_NOT_FOUND, `No action or feedback item ${itemId} in this retrospective.`);
}

/** The item, if it can still become a check: each item changes the policy once. */
export function adoptableItem(s: RetrospectiveState, itemId: string): RetrospectiveItem {
  const found = findItem(s, itemId);
  if (found.item.adopted) {
    const a = found.item.adopted;
    throw ruleViolated(
      Codes.RETROSPECTIVE_ITEM_ALREADY_ADOPTED,
      `This item already became check ${a.check} in ${a.policyName} version ${a.policyVersion}.`,
      { ...a },
    );
  }
  return found;
}

/** The UTC calendar date of an instant: due dates are whole days. */
export const utcDate = (at: Date) => at.toISOString().slice(0, 10);

/** Whether an open action's due date has passed at `now` (it was due by the end of its day, UTC). */
export const isOverdue = (a: Pick<ActionItem, 'status' | 'dueDate'>, now: Date) =>
  a.status === 'open' && a.dueDate < utcDate(now);

const adoption = (c: Extract<RetrospectiveCommand, { type: 'RecordAdoption' }>): Adoption => ({
  check: c.check,
  policyName: c.policyName,
  policyVersion: c.policyVersion,
  adoptedBy: c.actor,
});

/** G5: a blameless retrospective, its action items tracked to done, feedback items, adoptions as checks. */
export const retrospectiveDecider: Decider<RetrospectiveCommand, RetrospectiveEvent, RetrospectiveState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'RetrospectiveRecorded') return { ...e.data, exists: true, actions: [], feedback: [] };
    if (!s.exists) return s;
    switch (e.type) {
      case 'RetrospectiveActionAdded': {
        const { actionId, description, owner, dueDate } = e.data;
        const action: ActionItem = {
          actionId,
          description,
          owner,
          dueDate,
          status: 'open',
          completedAt: null,
          completedBy: null,
          note: null,
          adopted: null,
        };
        return { ...s, actions: [...s.actions, action] };
      }
      case 'RetrospectiveActionCompleted': {
        const { actionId, completedAt, completedBy, note } = e.data;
        return {
          ...s,
          actions: s.actions.map((a) =>
            a.actionId === actionId ? { ...a, status: 'done' as const, completedAt, completedBy, note } : a,
          ),
        };
      }
      case 'RetrospectiveFeedbackAdded': {
        const { feedbackId, source, description, submittedBy } = e.data;
        return { ...s, feedback: [...s.feedback, { feedbackId, source, description, submittedBy, adopted: null }] };
      }
      case 'RetrospectiveItemAdopted': {
        const { itemId, check, policyName, policyVersion, adoptedBy } = e.data;
        const adopted = { check, policyName, policyVersion, adoptedBy };
        return {
          ...s,
          actions: s.actions.map((a) => (a.actionId === itemId ? { ...a, adopted } : a)),
          feedback: s.feedback.map((f) => (f.feedbackId === itemId ? { ...f, adopted } : f)),
        };
      }
    }
  },
  decide(c, s) {
    if (c.type === 'RecordRetrospective') {
      if (s.exists) throw ruleViolated(Codes.RETROSPECTIVE_EXISTS, 'This retrospective is already recorded.');
      const { type: _t, actor, at, ...recorded } = c;
      return [
        { type: 'RetrospectiveRecorded', data: { ...recorded, recordedBy: actor, recordedAt: at.toISOString() } },
      ];
    }
    if (!s.exists) throw notFound(Codes.RETROSPECTIVE_NOT_FOUND, 'No retrospective with this id.');
    const retrospectiveId = s.retrospectiveId;
    switch (c.type) {
      case 'AddAction':
        // An action due before today would be overdue the moment it is written: a typo, never a plan.
        if (c.dueDate < utcDate(c.at)) {
          throw invalid(Codes.RETROSPECTIVE_ACTION_DUE_IN_PAST, `The due date ${c.dueDate} is in the past.`, {
            dueDate: c.dueDate,
            today: utcDate(c.at),
          });
        }
        return [
          {
            type: 'RetrospectiveActionAdded',
            data: {
              retrospectiveId,
              actionId: c.actionId,
              description: c.description,
              owner: c.owner,
              dueDate: c.dueDate,
              addedBy: c.actor,
            },
          },
        ];
      case 'CompleteAction': {
        const found = findItem(s, c.actionId);
        if (found.kind !== 'action') {
          throw notFound(Codes.RETROSPECTIVE_ITEM_NOT_FOUND, `No action ${c.actionId} in this retrospective.`);
        }
        if (found.item.status === 'done') {
          throw ruleViolated(Codes.RETROSPECTIVE_ACTION_ALREADY_DONE, 'This action is already done.');
        }
        return [
          {
            type: 'RetrospectiveActionCompleted',
            data: {
              retrospectiveId,
              actionId: c.actionId,
              completedBy: c.actor,
              completedAt: c.at.toISOString(),
              note: c.note,
            },
          },
        ];
      }
      case 'AddFeedback':
        return [
          {
            type: 'RetrospectiveFeedbackAdded',
            data: {
              retrospectiveId,
              feedbackId: c.feedbackId,
              source: c.source,
              description: c.description,
              submittedBy: c.actor,
            },
          },
        ];
      case 'RecordAdoption': {
        adoptableItem(s, c.itemId);
        const a = adoption(c);
        return [
          {
            type: 'RetrospectiveItemAdopted',
            data: {
              retrospectiveId,
              itemId: c.itemId,
              check: a.check,
              policyName: a.policyName,
              policyVersion: a.policyVersion,
              adoptedBy: a.adoptedBy,
            },
          },
        ];
      }
    }
  },
};
