import {
  GovernanceErrorCodes as Codes,
  type NoticeEvent,
  type NoticeKind,
  type NoticeTemplateEvent,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

type Queued = Extract<NoticeEvent, { type: 'NoticeQueued' }>['data'];
type Attempt = Extract<NoticeEvent, { type: 'NoticeDeliveryAttempted' }>['data'];

export type NoticeState = { exists: false } | (Queued & { exists: true; attempts: Attempt[]; delivered: boolean });

export type NoticeCommand =
  | ({ type: 'QueueNotice' } & Queued)
  | ({ type: 'RecordDeliveryAttempt' } & Omit<Attempt, 'noticeId' | 'attempt'>);

/** G7: one notice, queued with exactly what it sends, then its delivery attempts until one delivers. */
export const noticeDecider: Decider<NoticeCommand, NoticeEvent, NoticeState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'NoticeQueued') return { ...e.data, exists: true, attempts: [], delivered: false };
    if (!s.exists) return s;
    return { ...s, attempts: [...s.attempts, e.data], delivered: s.delivered || e.data.outcome === 'delivered' };
  },
  decide(c, s) {
    if (c.type === 'QueueNotice') {
      if (s.exists) throw ruleViolated(Codes.NOTICE_EXISTS, 'This notice is already queued.');
      const { type: _t, ...data } = c;
      return [{ type: 'NoticeQueued', data }];
    }
    if (!s.exists) throw notFound(Codes.NOTICE_NOT_FOUND, 'No notice with this id.');
    const { type: _t, ...attempt } = c;
    return [
      {
        type: 'NoticeDeliveryAttempted',
        data: { noticeId: s.noticeId, attempt: s.attempts.length + 1, ...attempt },
      },
    ];
  },
};

export type TemplateState = { kind: NoticeKind | null; subject: string | null; body: string | null };
export type TemplateCommand = {
  type: 'SaveTemplate';
  kind: NoticeKind;
  subject: string;
  body: string;
  reason: string;
  actor: string;
};

/** G7: a notice template, versioned by its saves. The variables it uses are checked before deciding. */
export const templateDecider: Decider<TemplateCommand, NoticeTemplateEvent, TemplateState> = {
  initialState: { kind: null, subject: null, body: null },
  evolve: (_s, e) => ({ kind: e.data.kind, subject: e.data.subject, body: e.data.body }),
  decide: (c) => [
    {
      type: 'NoticeTemplateSaved',
      data: { kind: c.kind, subject: c.subject, body: c.body, savedBy: c.actor, reason: c.reason },
    },
  ],
};
