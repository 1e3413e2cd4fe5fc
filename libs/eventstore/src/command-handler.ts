import { setTimeout as delay } from 'node:timers/promises';
import { type Actor, DomainError, ErrorCodes, type EventCatalogue, type EventMetadata } from '@railyard/contracts';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { upcastRecorded } from './catalogue.js';
import type { Decider, DomainEvent } from './decider.js';
import {
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from './port.js';

/** Everything about a command that is not the command itself: who, when, why, and the HTTP preconditions. */
export interface CommandContext {
  actor: Actor;
  now: Date;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  tracestate?: string;
  /** The client's `If-Match`: the command applies only if the stream is still at this revision. */
  expectedRevision?: bigint;
  /** The client's `Idempotency-Key`: a retried command returns the first result and appends nothing. */
  idempotencyKey?: string;
  /** A digest of the request, so a key reused for a different request is refused rather than replayed. */
  requestHash?: string;
}

export interface CommandResult<State> {
  streamId: string;
  state: State;
  /** Revision of the stream's last event after the command (-1n: the stream does not exist). */
  revision: bigint;
  /** Events this command appended (or, when replayed, the ones its first execution appended). */
  events: RecordedEvent[];
  /** True when the result is the first execution's, returned for a retried idempotency key. */
  replayed: boolean;
}

export interface CommandHandlerOptions<Command, Event extends DomainEvent, State> {
  store: EventStore;
  decider: Decider<Command, Event, State>;
  catalogue: EventCatalogue;
  /** How many times a command is re-decided after a concurrent write, when the client did not send If-Match. */
  maxRetries?: number;
}

// Namespace for deterministic event ids of idempotent commands (RFC 9562 name-based UUIDs).
const IDEMPOTENCY_NAMESPACE = '6f1c1d64-6f0e-4f7e-9a57-2b7d0c7a1e55';

/**
 * The id of an aggregate a command creates: a fresh UUIDv7, or — when the client sent an Idempotency-Key — a
 * name-based UUID of (purpose, actor, key), so a retried create addresses the same stream and is replayed there
 * instead of creating a twin.
 */
export function newAggregateId(ctx: Pick<CommandContext, 'actor' | 'idempotencyKey'>, purpose: string): string {
  if (!ctx.idempotencyKey) return uuidv7();
  return uuidv5(`${purpose}\u0000${ctx.actor.id}\u0000${ctx.idempotencyKey}`, IDEMPOTENCY_NAMESPACE);
}

/**
 * Loads a stream and folds it into state, upcasting stored events to their current schema. The read verifies the
 * hash chain of what it folds, so neither a GET nor a command ever serves or decides on a tampered history: a
 * break throws {@link StreamIntegrityError}, which the service kit answers with a 500 and an error log.
 */
export async function loadAggregate<Event extends DomainEvent, State>(
  store: EventStore,
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  catalogue: EventCatalogue,
  streamId: string,
): Promise<{ state: State; revision: bigint; events: RecordedEvent[] }> {
  const recorded = (await store.readStream(streamId, { verify: true })).map((e) => upcastRecorded(catalogue, e));
  let state = decider.initialState;
  for (const e of recorded) state = decider.evolve(state, { type: e.type, data: e.data } as Event);
  const last = recorded.at(-1);
  return { state, revision: last ? last.revision : -1n, events: recorded };
}

/**
 * The command handler: load, fold, decide, append with the revision read; on a concurrent write, decide again
 * (bounded). With If-Match, a mismatch is the client's problem (412), never retried.
 */
export function createCommandHandler<Command, Event extends DomainEvent, State>(
  options: CommandHandlerOptions<Command, Event, State>,
) {
  const { store, decider, catalogue } = options;
  const maxRetries = options.maxRetries ?? 10;

  function toAppend(events: Event[], ctx: CommandContext, streamId: string): EventToAppend[] {
    return events.map((event, index) => {
      const definition = catalogue[event.type];
      if (!definition) throw new Error(`event type ${event.type} is not in the catalogue`);
      // An event that does not parse is never appended (DESIGN §4).
      const data = definition.schema.parse(event.data) as Record<string, unknown>;
      const metadata: EventMetadata = {
        occurredAt: ctx.now.toISOString(),
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId ?? ctx.correlationId,
        schemaVersion: definition.version,
        ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
        ...(ctx.tracestate ? { tracestate: ctx.tracestate } : {}),
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey, requestHash: ctx.requestHash } : {}),
      };
      const id = ctx.idempotencyKey
        ? uuidv5(`${streamId}\u0000${ctx.actor.id}\u0000${ctx.idempotencyKey}\u0000${index}`, IDEMPOTENCY_NAMESPACE)
        : uuidv7();
      return { id, type: event.type, data, metadata };
    });
  }

  function replay(streamId: string, loaded: { events: RecordedEvent[] }, ctx: CommandContext) {
    const key = ctx.idempotencyKey;
    if (!key) return undefined;
    const first = loaded.events.filter(
      (e) => e.metadata.idempotencyKey === key && e.metadata.actor.id === ctx.actor.id,
    );
    if (first.length === 0) return undefined;
    if (ctx.requestHash && first[0]!.metadata.requestHash !== ctx.requestHash) {
      throw new DomainError(
        'validation',
        ErrorCodes.IDEMPOTENCY_KEY_REUSED,
        'This Idempotency-Key was already used for a different request.',
      );
    }
    const lastRevision = first.at(-1)!.revision;
    const upTo = loaded.events.filter((e) => e.revision <= lastRevision);
    let state = decider.initialState;
    for (const e of upTo) state = decider.evolve(state, { type: e.type, data: e.data } as Event);
    return { streamId, state, revision: lastRevision, events: first, replayed: true } satisfies CommandResult<State>;
  }

  /** Appends what was decided on `loaded` with the revision it was read at, and answers with the new state. */
  async function commit(
    streamId: string,
    loaded: { state: State; revision: bigint },
    decided: Event[],
    ctx: CommandContext,
  ): Promise<CommandResult<State>> {
    const toWrite = toAppend(decided, ctx, streamId);
    const expected: ExpectedRevision = loaded.revision < 0n ? 'noStream' : loaded.revision;
    const result = await store.append(streamId, toWrite, expected);
    let state = loaded.state;
    for (const e of decided) state = decider.evolve(state, e);
    const firstRevision = result.nextExpectedRevision - BigInt(toWrite.length) + 1n;
    const events: RecordedEvent[] = toWrite.map((e, i) => ({
      ...e,
      streamId,
      revision: firstRevision + BigInt(i),
      position: result.lastPosition - BigInt(toWrite.length - 1 - i),
      createdAt: ctx.now,
      hash: null,
    }));
    return { streamId, state, revision: result.nextExpectedRevision, events, replayed: false };
  }

  /**
   * A command that creates its aggregate under an id just minted need not read a stream that cannot exist yet:
   * decide on the initial state and append expecting no stream. The store enforces that expectation atomically, so
   * when the stream does exist after all (a retried Idempotency-Key, a client-chosen id) the append is refused and
   * nothing is written; so is a decision the initial state refuses. Either way undefined is returned and the usual
   * path loads the stream and replays, decides or refuses as it always has. Saves the read on the common case.
   */
  async function tryCreate(streamId: string, command: Command, ctx: CommandContext) {
    let decided: Event[];
    try {
      decided = decider.decide(command, decider.initialState);
    } catch {
      return undefined; // the usual path decides again on what is really stored, and raises what applies there
    }
    if (decided.length === 0) return undefined;
    try {
      return await commit(streamId, { state: decider.initialState, revision: -1n }, decided, ctx);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return undefined;
      throw error;
    }
  }

  return {
    /**
     * Handles a command on a stream. `newStream`: the route has just minted the stream's id for this command (a
     * create), so the stream is almost certainly absent and is not read first (see tryCreate).
     */
    async handle(
      streamId: string,
      command: Command,
      ctx: CommandContext,
      hints: { newStream?: boolean } = {},
    ): Promise<CommandResult<State>> {
      if (hints.newStream && ctx.expectedRevision === undefined) {
        const created = await tryCreate(streamId, command, ctx);
        if (created) return created;
      }
      for (let attempt = 0; ; attempt++) {
        const loaded = await loadAggregate(store, decider, catalogue, streamId);
        const replayed = replay(streamId, loaded, ctx);
        if (replayed) return replayed;
        if (ctx.expectedRevision !== undefined && ctx.expectedRevision !== loaded.revision) {
          throw new DomainError(
            'precondition',
            ErrorCodes.PRECONDITION_FAILED,
            `The resource is at revision ${loaded.revision}, not ${ctx.expectedRevision} as If-Match requires.`,
            { currentRevision: Number(loaded.revision) },
          );
        }
        const decided = decider.decide(command, loaded.state);
        if (decided.length === 0) {
          return { streamId, state: loaded.state, revision: loaded.revision, events: [], replayed: false };
        }
        try {
          return await commit(streamId, loaded, decided, ctx);
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          // With an Idempotency-Key the writer that won may be a concurrent retry of this same request: load again,
          // and the replay above answers with its result (or, if it was someone else, If-Match gives the 412).
          if (ctx.expectedRevision !== undefined && !ctx.idempotencyKey) {
            throw new DomainError(
              'precondition',
              ErrorCodes.PRECONDITION_FAILED,
              'The resource changed since the revision If-Match names.',
              { currentRevision: error.actual === 'noStream' ? -1 : Number(error.actual) },
            );
          }
          if (attempt >= maxRetries) {
            throw new DomainError(
              'concurrency',
              ErrorCodes.CONCURRENCY_CONFLICT,
              `The resource kept changing while the command was applied (${attempt + 1} attempts).`,
            );
          }
          // Full jitter (exponential, capped): contenders on a hot stream spread out instead of colliding again.
          // A retried idempotent command's first conflict is usually its twin having committed: reload at once.
          if (!(ctx.idempotencyKey && attempt === 0)) await delay(Math.random() * Math.min(2 ** attempt * 2, 100));
        }
      }
    },
  };
}
