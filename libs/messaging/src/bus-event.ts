import type { EventMetadata } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import { PoisonMessageError } from './errors.js';

/** Header names the relay sets on every message, beside `Nats-Msg-Id` (= event id) and W3C trace context. */
export const BusHeaders = {
  streamId: 'Railyard-Stream-Id',
  revision: 'Railyard-Revision',
  position: 'Railyard-Position',
  eventType: 'Railyard-Event-Type',
} as const;

/** Header names a dead letter carries beside the original headers. */
export const DeadLetterHeaders = {
  reason: 'Railyard-Dlq-Reason',
  consumer: 'Railyard-Dlq-Consumer',
  originalSubject: 'Railyard-Dlq-Original-Subject',
  originalSequence: 'Railyard-Dlq-Original-Sequence',
  deliveries: 'Railyard-Dlq-Deliveries',
} as const;

/** An event as it travels on the bus and reaches a consumer's handler. */
export interface BusEvent {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  createdAt: Date;
}

/** The JSON body of a bus message: bigints as decimal strings, the time as ISO-8601. */
interface BusEventBody {
  id: string;
  type: string;
  streamId: string;
  revision: string;
  position: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  createdAt: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serialises a stored event into the body the relay publishes. */
export function encodeBusEvent(event: RecordedEvent): Uint8Array {
  const body: BusEventBody = {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    data: event.data,
    metadata: event.metadata,
    createdAt: event.createdAt.toISOString(),
  };
  return encoder.encode(JSON.stringify(body));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIntString = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v);

/**
 * Parses a bus message body. A body that is not a bus event can never be handled, so it raises a
 * PoisonMessageError (the consumer dead-letters it).
 */
export function decodeBusEvent(payload: Uint8Array): BusEvent {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(payload));
  } catch (err) {
    throw new PoisonMessageError('message body is not JSON', { cause: err });
  }
  if (
    !isRecord(body) ||
    typeof body.id !== 'string' ||
    body.id.length === 0 ||
    typeof body.type !== 'string' ||
    typeof body.streamId !== 'string' ||
    !isIntString(body.revision) ||
    !isIntString(body.position) ||
    !isRecord(body.data) ||
    !isRecord(body.metadata) ||
    typeof body.createdAt !== 'string' ||
    Number.isNaN(Date.parse(body.createdAt))
  ) {
    throw new PoisonMessageError('message body is not a bus event');
  }
  return {
    id: body.id,
    type: body.type,
    streamId: body.streamId,
    revision: BigInt(body.revision),
    position: BigInt(body.position),
    data: body.data,
    metadata: body.metadata as EventMetadata,
    createdAt: new Date(body.createdAt),
  };
}
