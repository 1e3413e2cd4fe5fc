import {
  type EventCatalogue,
  type NoticeEvent,
  NoticeFields,
  NoticeKind,
  noticeEvents,
  noticeStream,
  noticeTemplateEvents,
  noticeTemplateStream,
  PreRollbackSnapshot,
} from '@railyard/contracts';
import { type CommandContext, createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type NoticeState, noticeDecider, templateDecider } from './domain/notice.decide.js';
import { BUILT_IN_TEMPLATES, renderTemplate } from './domain/notice-template.js';

const noticeCatalogue = noticeEvents as unknown as EventCatalogue;
const templateCatalogue = noticeTemplateEvents as unknown as EventCatalogue;

export const createNoticeCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: noticeDecider, catalogue: noticeCatalogue });
export type NoticeCommands = ReturnType<typeof createNoticeCommands>;
export const loadNotice = (store: EventStore, id: string) =>
  loadAggregate(store, noticeDecider, noticeCatalogue, noticeStream(id));

export const createTemplateCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: templateDecider, catalogue: templateCatalogue });
export type TemplateCommands = ReturnType<typeof createTemplateCommands>;

/** The template in force for a kind: the last one saved, else the built-in one (revision 0). */
export async function currentTemplate(store: EventStore, kind: NoticeKind) {
  const loaded = await loadAggregate(store, templateDecider, templateCatalogue, noticeTemplateStream(kind));
  if (loaded.state.subject === null || loaded.state.body === null) return { ...BUILT_IN_TEMPLATES[kind], version: 0 };
  return { subject: loaded.state.subject, body: loaded.state.body, version: Number(loaded.revision) + 1 };
}

type Queued = Extract<NoticeEvent, { type: 'NoticeQueued' }>['data'];

/** What a notice is about, beside the four fields: the rollback's or the incident's facts, as the template sees them. */
export type NoticeFacts =
  | {
      kind: 'rollback';
      deploymentId: string;
      service: string;
      environment: string;
      fromVersion: string;
      toVersion: string | null;
      trigger: string;
      reason: string;
      snapshot: z.infer<typeof PreRollbackSnapshot> | null;
    }
  | {
      kind: 'incident';
      incidentId: string;
      title: string;
      severity: string;
      service: string;
      environment: string | null;
      openedAt: string;
    };

export interface QueueNoticeInput {
  noticeId: string;
  facts: NoticeFacts;
  fields: z.infer<typeof NoticeFields>;
  source: Queued['source'];
}

/**
 * Renders a notice with the template in force (mustache, escaped) and queues it with exactly the JSON body the
 * delivery will POST: what was sent is on the record before anything is sent.
 */
export async function queueNotice(
  deps: { store: EventStore; commands: NoticeCommands },
  input: QueueNoticeInput,
  ctx: CommandContext,
) {
  const { facts, fields } = input;
  const template = await currentTemplate(deps.store, facts.kind);
  const { kind: _k, ...factValues } = facts;
  const snapshot = facts.kind === 'rollback' ? facts.snapshot : null;
  const view: Record<string, unknown> = {
    ...factValues,
    ...fields,
    ...(snapshot
      ? { snapshot: { ...snapshot, metrics: snapshot.metrics ? JSON.stringify(snapshot.metrics) : null } }
      : {}),
  };
  const subject = renderTemplate(template.subject, view);
  const text = renderTemplate(template.body, view);
  const about: Queued['about'] =
    facts.kind === 'rollback'
      ? { kind: 'deployment', deploymentId: facts.deploymentId }
      : { kind: 'incident', incidentId: facts.incidentId };
  const queuedAt = ctx.now.toISOString();
  const payload = JSON.stringify({
    type: `railyard.notice.${facts.kind}`,
    noticeId: input.noticeId,
    kind: facts.kind,
    about,
    subject,
    text,
    fields,
    facts: factValues,
    snapshot,
    queuedAt,
  });
  return deps.commands.handle(
    noticeStream(input.noticeId),
    {
      type: 'QueueNotice',
      noticeId: input.noticeId,
      kind: facts.kind,
      about,
      fields,
      snapshot,
      templateVersion: template.version,
      subject,
      text,
      payload,
      source: input.source,
      queuedBy: ctx.actor.id,
      queuedAt,
    },
    ctx,
  );
}

export const NoticeView = schemaComponent(
  'Notice',
  z.object({
    noticeId: z.string(),
    kind: NoticeKind,
    about: z.record(z.string(), z.string()),
    fields: NoticeFields,
    snapshot: PreRollbackSnapshot.nullable(),
    templateVersion: z.number().int(),
    subject: z.string(),
    text: z.string(),
    payload: z.string().describe('Exactly the JSON body POSTed to the webhook.'),
    source: z.enum(['automatic', 'manual']),
    queuedBy: z.string(),
    queuedAt: z.string(),
    delivered: z.boolean(),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        outcome: z.enum(['delivered', 'failed', 'not-configured']),
        url: z.string().nullable(),
        status: z.number().int().nullable(),
        error: z.string().nullable(),
        signed: z.boolean(),
        attemptedAt: z.string(),
      }),
    ),
    revision: z.number().int(),
  }),
);

export function noticeView(s: NoticeState, revision: bigint): z.infer<typeof NoticeView> {
  if (!s.exists) throw new TypeError('a notice view needs a notice');
  const { exists: _e, ...rest } = s;
  return { ...rest, attempts: s.attempts.map(({ noticeId: _n, ...a }) => a), revision: Number(revision) };
}

export const TemplateView = schemaComponent(
  'NoticeTemplate',
  z.object({
    kind: NoticeKind,
    subject: z.string(),
    body: z.string(),
    version: z.number().int().describe('0: the built-in template; then one more per save.'),
    variables: z.object({ names: z.array(z.string()), lists: z.record(z.string(), z.array(z.string())) }),
  }),
);

/** The facts of a rollback governance knows: the deployment (reporting) and, once it started, its snapshot. */
export async function rollbackFacts(
  pool: { query: (text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  deploymentId: string,
): Promise<Extract<NoticeFacts, { kind: 'rollback' }> | undefined> {
  const { rows } = await pool.query(
    `SELECT d.deployment_id, d.service, d.environment, d.artifact_version,
            s.from_version, s.to_version, s.trigger_kind, s.reason, s.snapshot,
            r.rolled_back_to, r.trigger_kind AS rolled_back_trigger, r.reason AS rolled_back_reason
     FROM reporting.deployments d
     LEFT JOIN governance.rollback_snapshots s ON s.deployment_id = d.deployment_id
     LEFT JOIN LATERAL (SELECT * FROM reporting.rollbacks x WHERE x.deployment_id = d.deployment_id
                        ORDER BY x.rolled_back_at DESC LIMIT 1) r ON true
     WHERE d.deployment_id = $1`,
    [deploymentId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    kind: 'rollback',
    deploymentId,
    service: String(row.service),
    environment: String(row.environment),
    fromVersion: String(row.from_version ?? row.artifact_version),
    // reporting.rollbacks keeps the target as name@version.
    toVersion: (row.to_version ?? (row.rolled_back_to ? String(row.rolled_back_to).split('@').at(-1) : null)) as
      | string
      | null,
    trigger: String(row.trigger_kind ?? row.rolled_back_trigger ?? 'manual'),
    reason: String(row.reason ?? row.rolled_back_reason ?? ''),
    snapshot: (row.snapshot ?? null) as z.infer<typeof PreRollbackSnapshot> | null,
  };
}
