import {
  GovernanceErrorCodes as Codes,
  DeploymentRollbackStarted,
  type DomainError,
  IncidentOpened,
} from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import { type BusEvent, type MessageContext, PoisonMessageError } from '@railyard/messaging';
import { v5 as uuidv5 } from 'uuid';
import { type NoticeCommands, type QueueNoticeInput, queueNotice } from '../notice-store.js';

// Namespace of notice ids derived from the event that caused them (RFC 9562 name-based UUIDs): one automatic notice
// per rollback start or incident opening, however often the event is delivered or replayed.
const NOTICE_OF_EVENT = '6c2a9e04-8f1d-4b7a-a3c5-0d9e8b7f6a21';
export const automaticNoticeId = (eventId: string) => uuidv5(eventId, NOTICE_OF_EVENT);

/** When an automatic notice promises the next update: half an hour later, a common incident-update cadence. */
const NEXT_UPDATE_MS = 30 * 60_000;

export interface AutomaticNoticeDeps {
  store: EventStore;
  commands: NoticeCommands;
  now: () => Date;
}

async function queueOnce(deps: AutomaticNoticeDeps, event: BusEvent, input: QueueNoticeInput) {
  const ctx: CommandContext = {
    actor: { id: 'governance', kind: 'system', roles: [] },
    now: deps.now(),
    correlationId: event.metadata.correlationId,
    causationId: event.id,
  };
  try {
    await queueNotice(deps, input, ctx);
  } catch (error) {
    // Queued by an earlier delivery of the same event: its delivery is under way or done.
    if ((error as DomainError).code === Codes.NOTICE_EXISTS) return;
    throw error;
  }
}

/**
 * Orchestration started a rollback (R1): keep its pre-rollback snapshot (in the inbox transaction, for later notices
 * and retrospectives) and queue the rollback notice that includes it (G7, R3).
 */
export async function noticeRollbackStarted(event: BusEvent, ctx: MessageContext, deps: AutomaticNoticeDeps) {
  if (event.type !== 'DeploymentRollbackStarted') return;
  const parsed = DeploymentRollbackStarted.schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const d = parsed.data;
  await ctx.tx.query(
    `INSERT INTO governance.rollback_snapshots (deployment_id, event_id, service, environment, from_version,
       to_version, trigger_kind, reason, snapshot, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (deployment_id) DO NOTHING`,
    [
      d.deploymentId,
      event.id,
      d.service,
      d.environment,
      d.artifact.version,
      d.to?.version ?? null,
      d.trigger.kind,
      d.reason,
      JSON.stringify(d.snapshot),
      new Date(event.metadata.occurredAt),
    ],
  );
  const now = deps.now();
  await queueOnce(deps, event, {
    noticeId: automaticNoticeId(event.id),
    source: 'automatic',
    facts: {
      kind: 'rollback',
      deploymentId: d.deploymentId,
      service: d.service,
      environment: d.environment,
      fromVersion: d.artifact.version,
      toVersion: d.to?.version ?? null,
      trigger: d.trigger.kind,
      reason: d.reason,
      snapshot: d.snapshot,
    },
    fields: {
      hypothesis: d.reason || `${d.service} ${d.artifact.version} breached its rollback criteria.`,
      impact: `${d.service} in ${d.environment}${d.environmentTier ? ` (${d.environmentTier})` : ''}`,
      nextSteps: `Rolling back to ${d.to ? d.to.version : 'the previous state'}; then verify health and hold a retrospective.`,
      nextUpdateAt: new Date(now.getTime() + NEXT_UPDATE_MS).toISOString(),
    },
  });
}

/** Governance opened an incident (G4): queue its first notice (G7). */
export async function noticeIncidentOpened(event: BusEvent, _ctx: MessageContext, deps: AutomaticNoticeDeps) {
  if (event.type !== 'IncidentOpened') return;
  const parsed = IncidentOpened.schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const d = parsed.data;
  const now = deps.now();
  await queueOnce(deps, event, {
    noticeId: automaticNoticeId(event.id),
    source: 'automatic',
    facts: {
      kind: 'incident',
      incidentId: d.incidentId,
      title: d.title,
      severity: d.severity,
      service: d.service,
      environment: d.environment,
      openedAt: d.openedAt,
    },
    fields: {
      hypothesis: d.suspectedDeploymentId
        ? `Possibly deployment ${d.suspectedDeploymentId} (correlated, not yet attributed).`
        : 'Under investigation.',
      impact: `${d.service}${d.environment ? ` in ${d.environment}` : ''}, ${d.severity}`,
      nextSteps: 'The on-call engineer is investigating and will classify the incident.',
      nextUpdateAt: new Date(now.getTime() + NEXT_UPDATE_MS).toISOString(),
    },
  });
}
