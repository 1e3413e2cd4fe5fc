import { setTimeout as sleep } from 'node:timers/promises';

/**
 * PagerDuty Events API v2 (PagerDuty developer docs, "Events API v2 Overview" and its api-schema): alert events at
 * `POST /v2/enqueue` (202 `{status, message, dedup_key}`), change events at `POST /v2/change/enqueue`. 429 and 5xx are
 * to be retried; any other 4xx means the event itself is wrong and is not retried.
 */
export interface PagerDutyTarget {
  /** The Events API's base URL, e.g. https://events.pagerduty.com (a fake one on loopback in tests). */
  url: string;
  /** The integration's routing key (32 characters). */
  routingKey: string;
  /** Attempts per send, the first included (default 5). */
  maxAttempts?: number;
  /** Delay before the n-th retry; the last repeats; Retry-After wins when given, capped at the last value. */
  backoffMs?: readonly number[];
  timeoutMs?: number;
}

export interface Severity {
  severity: 'critical' | 'error' | 'warning' | 'info';
}

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  client: string;
  client_url?: string;
  payload: {
    summary: string;
    source: string;
    severity: Severity['severity'];
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links: { href: string; text: string }[];
}

export interface PagerDutyChange {
  routing_key: string;
  payload: { summary: string; source: string; timestamp: string; custom_details: Record<string, unknown> };
  links: { href: string; text: string }[];
}

export interface SendOutcome {
  /** The last HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  attempts: number;
  delivered: boolean;
  /** True when the last failure was one to retry later (429, 5xx, no answer). */
  retryable: boolean;
}

const retryable = (status: number | null) => status === null || status === 429 || status >= 500;

/** Sends one event, retrying only on 429, 5xx and no answer, with backoff. */
export async function sendToPagerDuty(
  target: PagerDutyTarget,
  path: '/v2/enqueue' | '/v2/change/enqueue',
  body: PagerDutyTrigger | PagerDutyChange,
): Promise<SendOutcome> {
  const maxAttempts = target.maxAttempts ?? 5;
  const backoff = target.backoffMs?.length ? target.backoffMs : [500, 2000, 5000];
  const url = `${target.url.replace(/\/+$/, '')}${path}`;
  let status: number | null = null;
  for (let attempt = 1; ; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after >= 0) retryAfterMs = after * 1000;
    } catch {
      status = null;
    }
    if (status !== null && status >= 200 && status < 300) {
      return { status, attempts: attempt, delivered: true, retryable: false };
    }
    if (!retryable(status) || attempt >= maxAttempts) {
      return { status, attempts: attempt, delivered: false, retryable: retryable(status) };
    }
    const cap = backoff[backoff.length - 1]!;
    await sleep(Math.min(retryAfterMs ?? backoff[Math.min(attempt - 1, backoff.length - 1)]!, cap));
  }
}
