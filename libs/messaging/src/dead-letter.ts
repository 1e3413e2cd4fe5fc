import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { DeadLetterHeaders } from './bus-event.js';

/** Headers JetStream interprets on publish: never copied, or the dead letter would be deduplicated or refused. */
const RESERVED = /^Nats-(Msg-Id|Expected-)/i;

/** What is dead-lettered: a bus message, or an event a catch-up read from the store (no stream sequence then). */
export interface DeadLetterSource {
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  subject: string;
  deliveryCount: number;
  streamSequence?: number;
}

/**
 * Publishes the original message (body and headers) with the reason to the dead-letter subject and waits for
 * JetStream to store it. The message id `<consumer>:<event id>` makes a repeated dead-lettering of the same
 * message (a term lost after the publish) collapse into one dead letter.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  subject: string,
  consumer: string,
  m: DeadLetterSource,
  reason: string,
  eventId: string | undefined,
): Promise<void> {
  const h = createHeaders();
  if (m.headers) {
    for (const key of m.headers.keys()) {
      if (RESERVED.test(key)) continue;
      for (const value of m.headers.values(key)) h.append(key, value);
    }
  }
  h.set(DeadLetterHeaders.reason, reason);
  h.set(DeadLetterHeaders.consumer, consumer);
  h.set(DeadLetterHeaders.originalSubject, m.subject);
  if (m.streamSequence !== undefined) h.set(DeadLetterHeaders.originalSequence, String(m.streamSequence));
  h.set(DeadLetterHeaders.deliveries, String(m.deliveryCount));
  await js.publish(subject, m.data, { msgID: `${consumer}:${eventId ?? `seq-${m.streamSequence}`}`, headers: h });
}
