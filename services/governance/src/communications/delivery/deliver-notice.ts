import { noticeStream } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { BusEvent } from '@railyard/messaging';
import { Webhook } from 'standardwebhooks';
import type { NoticeCommands } from '../notice-store.js';
import { loadNotice } from '../notice-store.js';

export interface NotifyWebhook {
  /** Where notices are POSTed (GOVERNANCE_NOTIFY_WEBHOOK_URL); unset: nothing is sent and the notice says so. */
  url?: string | (() => string | undefined);
  /** Standard Webhooks secret (`whsec_…`, GOVERNANCE_NOTIFY_WEBHOOK_SECRET); unset: requests are not signed. */
  secret?: string;
  /** Per request (default 5 s). */
  timeoutMs?: number;
}

export interface DeliverNoticeDeps {
  store: EventStore;
  commands: NoticeCommands;
  webhook: NotifyWebhook;
  now: () => Date;
}

/** A failed attempt: recorded on the notice, then thrown so the consumer redelivers it with backoff. */
export class NoticeDeliveryFailedError extends Error {
  override readonly name = 'NoticeDeliveryFailedError';
}

/**
 * Delivers a queued notice to the notification webhook: exactly the body recorded in `NoticeQueued`, signed per
 * Standard Webhooks with the `standardwebhooks` package when a secret is set (`webhook-id` = the notice id, so the
 * receiver can drop a repeat). Each attempt is appended with its HTTP outcome; a failure is thrown so the durable
 * consumer retries it with backoff (and, past its last attempt, keeps it in the dead-letter stream). A notice already
 * delivered is not sent again.
 */
export async function deliverNotice(event: BusEvent, deps: DeliverNoticeDeps): Promise<void> {
  if (event.type !== 'NoticeQueued') return;
  const noticeId = String(event.data.noticeId);
  const loaded = await loadNotice(deps.store, noticeId);
  if (!loaded.state.exists || loaded.state.delivered) return;
  if (loaded.state.attempts.some((a) => a.outcome === 'not-configured')) return;
  const ctx: CommandContext = {
    actor: { id: 'governance', kind: 'system', roles: [] },
    now: deps.now(),
    correlationId: event.metadata.correlationId,
    causationId: event.id,
  };
  const url = typeof deps.webhook.url === 'function' ? deps.webhook.url() : deps.webhook.url;
  const record = (attempt: {
    outcome: 'delivered' | 'failed' | 'not-configured';
    status: number | null;
    error: string | null;
    signed: boolean;
    at: Date;
  }) =>
    deps.commands.handle(
      noticeStream(noticeId),
      {
        type: 'RecordDeliveryAttempt',
        outcome: attempt.outcome,
        url: url ?? null,
        status: attempt.status,
        error: attempt.error,
        signed: attempt.signed,
        attemptedAt: attempt.at.toISOString(),
      },
      ctx,
    );
  if (!url) {
    await record({ outcome: 'not-configured', status: null, error: null, signed: false, at: deps.now() });
    return;
  }
  const body = loaded.state.payload;
  // The wall clock, not the service's injectable one: the receiver checks the timestamp against its own clock.
  const sentAt = new Date();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (deps.webhook.secret) {
    headers['webhook-id'] = noticeId;
    headers['webhook-timestamp'] = String(Math.floor(sentAt.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(deps.webhook.secret).sign(noticeId, sentAt, body);
  }
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(deps.webhook.timeoutMs ?? 5000),
    });
    status = res.status;
    await res.body?.cancel();
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const signed = Boolean(deps.webhook.secret);
  if (error === null) {
    await record({ outcome: 'delivered', status, error: null, signed, at: deps.now() });
    return;
  }
  await record({ outcome: 'failed', status, error: error.slice(0, 2000), signed, at: deps.now() });
  throw new NoticeDeliveryFailedError(`notice ${noticeId} not delivered: ${error}`);
}
