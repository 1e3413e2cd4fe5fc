import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { PreRollbackSnapshot } from '../orchestration/deployment-events.js';
import { streamName } from '../streams.js';

/**
 * Communications (G7, R3), owned by governance. `noticeTemplate-<kind>`: the mustache template of rollback or
 * incident notices, versioned by its saves. `notice-<id>`: one notice, queued with exactly the body it sends, then
 * every delivery attempt to the notification webhook with its HTTP outcome (retried with backoff until delivered).
 */

export const NoticeKind = z.enum(['rollback', 'incident']);
export type NoticeKind = z.infer<typeof NoticeKind>;
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });

export const NoticeTemplateSaved = defineEvent(
  'NoticeTemplateSaved',
  z.strictObject({
    kind: NoticeKind,
    subject: z.string().min(1).max(500).describe('A mustache template of the notice title.'),
    body: z.string().min(1).max(20_000).describe('A mustache template of the notice text.'),
    savedBy: by,
    reason: z.string().min(1).max(2000),
  }),
  'A notice template was saved; it renders every notice of its kind from then on.',
);
export const noticeTemplateEvents = { NoticeTemplateSaved } as const;
export type NoticeTemplateEvent = { type: 'NoticeTemplateSaved'; data: z.infer<typeof NoticeTemplateSaved.schema> };
/** `noticeTemplate-<kind>`. */
export const noticeTemplateStream = (kind: NoticeKind) => streamName('noticeTemplate', kind);

/** The four things every notice tells (R3). */
export const NoticeFields = z.strictObject({
  hypothesis: z.string().trim().min(1).max(2000).describe('The root-cause hypothesis.'),
  impact: z.string().trim().min(1).max(2000).describe('The impact scope.'),
  nextSteps: z.string().trim().min(1).max(2000),
  nextUpdateAt: at.describe('When the next update will be sent.'),
});
export type NoticeFields = z.infer<typeof NoticeFields>;

export const NoticeQueued = defineEvent(
  'NoticeQueued',
  z.strictObject({
    noticeId: z.uuid(),
    kind: NoticeKind,
    about: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('deployment'), deploymentId: z.uuid() }),
      z.strictObject({ kind: z.literal('incident'), incidentId: z.uuid() }),
    ]),
    fields: NoticeFields,
    snapshot: PreRollbackSnapshot.nullable().describe("A rollback's pre-rollback snapshot, when known."),
    templateVersion: z.number().int().min(0).describe('The template revision used; 0: the built-in template.'),
    subject: z.string().max(2000).describe('The rendered title.'),
    text: z.string().max(100_000).describe('The rendered text (mustache, HTML-escaped).'),
    payload: z.string().max(1_000_000).describe('Exactly the JSON body POSTed to the webhook.'),
    source: z.enum(['automatic', 'manual']),
    queuedBy: by,
    queuedAt: at,
  }),
  'A notice was rendered and queued for the notification webhook, with exactly the body that is sent.',
);

export const NoticeDeliveryAttempted = defineEvent(
  'NoticeDeliveryAttempted',
  z.strictObject({
    noticeId: z.uuid(),
    attempt: z.number().int().min(1),
    outcome: z.enum(['delivered', 'failed', 'not-configured']),
    url: z.string().max(2000).nullable(),
    status: z.number().int().nullable().describe('The HTTP status answered, null when no answer came.'),
    error: z.string().max(2000).nullable(),
    signed: z.boolean(),
    attemptedAt: at,
  }),
  'One attempt to deliver a notice to the webhook and its HTTP outcome; failed ones are retried with backoff.',
);

export const noticeEvents = { NoticeQueued, NoticeDeliveryAttempted } as const;
type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type NoticeEvent = {
  [K in keyof typeof noticeEvents]: { type: K; data: DataOf<(typeof noticeEvents)[K]> };
}[keyof typeof noticeEvents];
/** `notice-<id>`. */
export const noticeStream = (id: string) => streamName('notice', id);
