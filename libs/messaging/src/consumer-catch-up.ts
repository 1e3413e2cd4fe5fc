import {
  AckPolicy,
  type ConsumerInfo,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs, nanos } from '@nats-io/transport-node';
import { categoriesOf, SERVICES, type ServiceName } from '@railyard/contracts';
import type { AllFilter, EventStore, Lease, RecordedEvent } from '@railyard/eventstore';
import type pg from 'pg';
import { BusHeaders } from './bus-event.js';
import { injectTraceHeaders, traceContextFromMetadata } from './trace-context.js';

/**
 * How a durable consumer catches up from the event store (DESIGN §4: "a consumer that falls further behind, or a
 * new one, catches up from the store and then joins the bus"). Reading another service's categories from the store
 * is allowed here, and only here: the store is the shared audit log, and the bus keeps days, not years. Live
 * traffic still comes from the bus.
 */
export interface ConsumerCatchUp {
  /** The (shared) event store to read history from. */
  store: EventStore;
  /** The relays' subject prefix: events read from the store reach the handler with the subject the bus would use. */
  subjectPrefix: string;
  /**
   * Where a consumer whose durable does not exist on the bus yet starts: `'beginning'` handles the whole history
   * from the store first, then joins the bus; `'bus'` (default) takes what the bus still holds, as without catch-up.
   * Either way, a durable whose unacknowledged messages have aged out of the bus catches up from the store.
   */
  start?: 'beginning' | 'bus';
  /** The events the consumer handles, in store terms; default: derived from `filterSubject`. */
  filter?: AllFilter;
  /** Events read from the store per page (default 500); within 10 pages of the head, the rest is read at once. */
  pageSize?: number;
}

/**
 * The store filter equivalent to a consumer's filter subject `<prefix>.<service>.<aggregate>.<EventType>` (each
 * token may be a wildcard). Refuses subjects it cannot translate, so a catch-up never silently reads too little.
 */
export function storeFilterForSubject(prefix: string, filterSubject: string): AllFilter {
  if (filterSubject === `${prefix}.>`) return {};
  if (!filterSubject.startsWith(`${prefix}.`)) {
    throw new TypeError(`filter subject ${filterSubject} is not under the prefix ${prefix}`);
  }
  const [service, aggregate, type, ...rest] = filterSubject.slice(prefix.length + 1).split('.');
  const wild = (t: string | undefined) => t === undefined || t === '*' || t === '>';
  if (rest.length > 0 || !service || service === '*' || (aggregate === '>' && type !== undefined)) {
    throw new TypeError(`cannot derive a store filter from ${filterSubject}: give catchUp.filter`);
  }
  if (service === '>') return {};
  if (!(SERVICES as readonly string[]).includes(service)) throw new TypeError(`unknown service in ${filterSubject}`);
  const filter: AllFilter = { categories: wild(aggregate) ? categoriesOf(service as ServiceName) : [aggregate!] };
  return wild(type) ? filter : { ...filter, eventTypes: [type!] };
}

/** The headers the relay would have published `event` with (position, stream, type, trace context). */
export function busHeadersFor(event: RecordedEvent): MsgHdrs {
  const h = createHeaders();
  h.set(BusHeaders.streamId, event.streamId);
  h.set(BusHeaders.revision, event.revision.toString());
  h.set(BusHeaders.position, event.position.toString());
  h.set(BusHeaders.eventType, event.type);
  injectTraceHeaders(h, traceContextFromMetadata(event.metadata));
  return h;
}

/** The store position up to which a consumer's catch-ups have handled everything (0 when it never caught up). */
export async function readCatchUpPosition(db: pg.ClientBase | pg.Pool, consumer: string): Promise<bigint> {
  const { rows } = await db.query<{ position: string }>(
    'SELECT position FROM messaging.consumer_positions WHERE consumer = $1',
    [consumer],
  );
  return rows[0] ? BigInt(rows[0].position) : 0n;
}

async function writeCatchUpPosition(db: pg.ClientBase, consumer: string, position: bigint): Promise<void> {
  await db.query(
    `INSERT INTO messaging.consumer_positions (consumer, position) VALUES ($1, $2)
     ON CONFLICT (consumer) DO UPDATE SET position = excluded.position, updated_at = now()`,
    [consumer, position.toString()],
  );
}

async function consumerInfoOrNull(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | null> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return null;
    throw err;
  }
}

/** The last stream sequence a durable no longer needs: its ack floor, or the sequence before its start. */
function ackFloor(info: ConsumerInfo): number {
  const start = info.config.deliver_policy === DeliverPolicy.StartSequence ? (info.config.opt_start_seq ?? 1) - 1 : 0;
  return Math.max(info.ack_floor.stream_seq, start);
}

export interface CatchUpRun {
  jsm: JetStreamManager;
  stream: string;
  durableName: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  catchUp: ConsumerCatchUp;
  filter: AllFilter;
  /** The consumer's exclusive lease: catch-ups and durable re-creation never run twice at once. */
  lease: Lease;
  /** Handles one store event through the consumer's inbox (retries and dead letters included). */
  handle(event: RecordedEvent): Promise<void>;
  /** Called with whether a catch-up runs, before it does. */
  onDecision(catchingUp: boolean): void;
}

/**
 * Decides whether the consumer must catch up and, if so, does it and hands over to the bus; otherwise creates the
 * durable at the bus's first message, or calls `create` to update an existing one's settings. Returns the events
 * read from the store.
 *
 * The hand-over, and why it loses nothing: before each store page is read, the bus stream's last sequence S is
 * noted. Everything the bus had stored by then was published by a relay, and a relay only publishes what readers
 * of the store can already see, so the page read next (a later snapshot) sees it too. When a page comes back short,
 * the store has nothing more for us at that snapshot; every event not yet read becomes visible later, so it reaches
 * the bus after S. The durable is then (re)created to deliver from S + 1. The overlap (events read from the store
 * and also published after S) reaches the handler twice, and the inbox keeps its effect to one.
 */
export async function catchUpIfNeeded(run: CatchUpRun, create: () => Promise<void>): Promise<number> {
  const { jsm, stream, durableName, lease } = run;
  const info = await consumerInfoOrNull(jsm, stream, durableName);
  const streamState = (await jsm.streams.info(stream)).state;
  // A durable whose ack floor is below the stream's first message never acknowledged messages the bus has since
  // dropped (max_age). A purge moves ack floors along with it, so after a purge delete the durable to catch up.
  // A durable created at a start sequence (by a catch-up) reports an ack floor of 0 until its first ack: the
  // messages before its start were never its own.
  const agedOut = info !== null && ackFloor(info) + 1 < streamState.first_seq;
  const fresh = info === null && (run.catchUp.start ?? 'bus') === 'beginning';
  run.onDecision(agedOut || fresh);
  if (!agedOut && !fresh) {
    // A new durable starting with what the bus holds starts at the stream's first message, explicitly: with
    // DeliverAll its ack floor would stay 0 until its first ack, and a restart before then would look aged out.
    if (!info) await addDurable(run, Math.max(1, streamState.first_seq));
    // Otherwise nothing to catch up: update the settings that may change between deploys.
    else await create();
    return 0;
  }

  const pageSize = run.catchUp.pageSize ?? 500;
  const tailSize = 10 * pageSize;
  // The watermark is only written once a page is handled, so a crash resumes from the last finished page.
  let after = await readCatchUpPosition(lease.client, durableName);
  let handled = 0;
  let limit = pageSize;
  let handOverSeq: number;
  for (;;) {
    if (lease.lost.aborted) throw new Error(`consumer ${durableName}: lease lost during catch-up`);
    const busLastSeq = (await jsm.streams.info(stream)).state.last_seq;
    const page = await run.catchUp.store.readAll({ after, limit, filter: run.filter });
    for (const event of page) await run.handle(event);
    handled += page.length;
    if (page.length > 0) {
      after = page[page.length - 1]!.position;
      // On the lease's session: a tenure that lost its lease cannot move the watermark.
      await writeCatchUpPosition(lease.client, durableName, after);
    }
    // A page shorter than its limit is everything the store had for us at that read's snapshot: hand over.
    if (page.length < limit) {
      handOverSeq = busLastSeq + 1;
      break;
    }
    // Near the head, read the rest in one go: a consumer that applies events more slowly than writers append would
    // otherwise find every page full and never reach a complete read. Far from it, keep pages small.
    limit = (await run.catchUp.store.countAfter(after, run.filter, tailSize)) < tailSize ? 2 * tailSize : pageSize;
  }

  // JetStream cannot move an existing durable's start (NATS 2.9), so it is re-created at the hand-over point.
  if (info) await jsm.consumers.delete(stream, durableName);
  await addDurable(run, handOverSeq);
  return handled;
}

/** Creates the durable to deliver from stream sequence `startSeq` (settings as ensureDurableConsumer's). */
async function addDurable(run: CatchUpRun, startSeq: number): Promise<void> {
  await run.jsm.consumers.add(run.stream, {
    durable_name: run.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    filter_subject: run.filterSubject,
    ack_wait: nanos(run.ackWaitMs),
    // Redelivery is bounded by the consumer loop, which dead-letters; see ensureDurableConsumer.
    max_deliver: -1,
    max_ack_pending: run.maxAckPending,
  });
}
