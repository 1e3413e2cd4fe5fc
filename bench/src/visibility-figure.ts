import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@railyard/eventstore';
import { BusHeaders } from '@railyard/messaging';
import { jsonPoster } from './http-client.js';
import { planReleaseBody } from './http-figures.js';
import { paced, percentile } from './measure.js';
import type { PlanningStack } from './planning-stack.js';
import { absoluteFigure, type Figure } from './report.js';

const VISIBLE_TIMEOUT_MS = 10_000;

/**
 * Figure (e): command → read model visible. At `rate` commands/s, each POST /releases is followed by waiting for
 * the release-list projection's checkpoint to pass the new event's position; the latency runs from the command's
 * due time to that moment. The relay publishes to NATS meanwhile, as in production; when each event reached a
 * NATS subscriber is reported beside it (informational).
 */
export async function measureVisibility(
  stack: PlanningStack,
  store: EventStore,
  nats: NatsConnection,
  subjectPrefix: string,
  options: { rate: number; durationMs: number; warmupMs: number },
): Promise<Figure[]> {
  const client = jsonPoster(stack.origin, 64);
  const headers = { authorization: stack.authorization };
  const onBus = new Map<string, number>();
  const due = new Map<string, number>();
  let recording = false;
  const sub = nats.subscribe(`${subjectPrefix}.planning.release.ReleasePlanned`, {
    callback: (_err, msg) => {
      const stream = msg.headers?.get(BusHeaders.streamId);
      if (stream) onBus.set(stream, performance.now());
    },
  });
  let n = 0;
  const command = async (dueAt: number) => {
    const view = await client.post<{ id: string }>('/releases', planReleaseBody(n++), headers);
    const stream = `release-${view.id}`;
    if (recording) due.set(stream, dueAt);
    // The 201 carries the revision, not the global position: read it back from the stream (one indexed query).
    const [event] = await store.readStream(stream, { direction: 'backwards', limit: 1 });
    if (!event) throw new Error(`stream ${stream} is empty after its command returned`);
    await stack.releaseList.waitFor(event.position, VISIBLE_TIMEOUT_MS);
  };
  try {
    if (options.warmupMs) await paced(command, { rate: options.rate, durationMs: options.warmupMs });
    recording = true;
    const visible = await paced(command, { rate: options.rate, durationMs: options.durationMs });
    recording = false;
    if (visible.errors > 0) {
      throw new Error(`command → read model: ${visible.errors} failed; first: ${String(visible.firstError)}`, {
        cause: visible.firstError,
      });
    }
    // The relay may still be publishing the last few.
    const deadline = Date.now() + VISIBLE_TIMEOUT_MS;
    while ([...due.keys()].some((s) => !onBus.has(s)) && Date.now() < deadline) await sleep(20);
    const busMs = [...due].flatMap(([s, at]) => (onBus.has(s) ? [onBus.get(s)! - at] : [])).sort((a, b) => a - b);
    const missing = due.size - busMs.length;
    const rate = Math.round(options.rate);
    return [
      absoluteFigure(`(e) command → read model p50 @${rate}/s`, percentile(visible.latenciesMs, 50), 'ms', 25, false),
      absoluteFigure(`(e) command → read model p99 @${rate}/s`, percentile(visible.latenciesMs, 99), 'ms', 150, false),
      absoluteFigure(`    command → on NATS p50 @${rate}/s`, percentile(busMs, 50), 'ms', null, false),
      absoluteFigure(
        `    command → on NATS p99 @${rate}/s${missing > 0 ? ` (${missing} never arrived)` : ''}`,
        percentile(busMs, 99),
        'ms',
        null,
        false,
      ),
    ];
  } finally {
    sub.unsubscribe();
    await client.close();
  }
}
