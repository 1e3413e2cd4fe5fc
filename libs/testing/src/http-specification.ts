import { randomUUID } from 'node:crypto';
import { type EventDefinition, type EventMetadata, streamName } from '@railyard/contracts';
import {
  type AllFilter,
  type EventStore,
  type EventToAppend,
  matchesFilter,
  type RecordedEvent,
} from '@railyard/eventstore';
import { expect } from 'vitest';
import { waitFor } from './wait-for.js';

/** An event of a specification: its type and data (and, for given events, the contract that checks the data). */
export interface SpecEvent {
  type: string;
  data: unknown;
  /** Given events are parsed by it before they are appended, so a specification never starts from a bad history. */
  definition?: EventDefinition;
  /** When it happened (given events; default: a fixed instant before the request). */
  at?: Date;
}

/**
 * An event named by its contract: `event(ReleasePlanned, { … })`. As a given event the data is parsed by the
 * contract's schema; as an expected one it is compared as it is, so it may hold matchers (`expect.any(String)`).
 */
export function event<S extends EventDefinition>(
  definition: S,
  data: Record<string, unknown>,
  options: { at?: Date } = {},
): SpecEvent {
  return { type: definition.type, data, definition, at: options.at };
}

/** The actor given events are recorded by, unless the test names one. */
export const SPEC_ACTOR = { id: 'specification', kind: 'system' as const, roles: ['admin'] };
const GIVEN_AT = new Date('2026-01-01T00:00:00Z');

/** Metadata for an event appended by a test, as a command would record it. */
export function specMetadata(at: Date = GIVEN_AT, schemaVersion = 1): EventMetadata {
  const id = randomUUID();
  return {
    occurredAt: at.toISOString(),
    actor: SPEC_ACTOR,
    correlationId: id,
    causationId: id,
    schemaVersion,
  };
}

/** A given event as the store takes it: data parsed by its contract, metadata filled in. */
export function toAppend(e: SpecEvent): EventToAppend {
  const data = e.definition ? e.definition.schema.parse(e.data) : e.data;
  return {
    id: randomUUID(),
    type: e.type,
    data: data as Record<string, unknown>,
    metadata: specMetadata(e.at, e.definition?.version),
  };
}

/** The part of light-my-request's response a specification reads. */
export interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the body it expects (res.json().id), as light-my-request types it.
  json(): any;
}

/** What fastify's `inject` takes, as far as a specification uses it. */
export interface InjectRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}

/** Anything with fastify's `inject`: the service's app. */
export interface Injectable {
  inject(request: InjectRequest): Promise<InjectedResponse>;
}

export interface HttpThen {
  status: number;
  /** The problem+json `code` of an error response. */
  code?: string;
  /** Compared with `toMatchObject` (an object), or a function that asserts on the parsed body itself. */
  // biome-ignore lint/suspicious/noExplicitAny: the parsed body, asserted on by the test that knows its shape.
  body?: object | ((body: any, response: InjectedResponse) => void);
  /**
   * The events the request appends, by stream, exactly: every stream given or named here must have received these
   * new events (type and data, in order) and no others, and no stream outside them may have received any. Omitted:
   * the request appends nothing anywhere. A function receives the response (for ids the server minted).
   */
  events?: Record<string, SpecEvent[]> | ((response: InjectedResponse) => Record<string, SpecEvent[]>);
}

export interface HttpWhen {
  /**
   * Sends the request through `inject` and asserts the response and the events. Resolves with the response and the
   * new events per stream. (Named `then` for the given/when/then vocabulary: never `await` the result of `when`.)
   */
  then(expected: HttpThen): Promise<{ response: InjectedResponse; events: Record<string, RecordedEvent[]> }>;
}

export interface HttpSpecification {
  /**
   * Appends these events to `stream` (a name from the contracts' builders) before the request; with none, the stream
   * is only watched (it must stay as it is unless `then` names events for it).
   */
  given(stream: string, ...events: SpecEvent[]): HttpSpecification;
  when(request: InjectRequest | (() => InjectRequest | Promise<InjectRequest>)): HttpWhen;
}

/** The category of the marker stream a specification appends after the request (see `appendedSince`). */
const MARKER_CATEGORY = 'specificationMarker';

/**
 * Appends a marker event and returns its position: every event committed before the call lies below it, so a global
 * read up to it has seen them all.
 */
export async function markPosition(store: EventStore): Promise<bigint> {
  const marker = streamName(MARKER_CATEGORY, randomUUID());
  const { lastPosition } = await store.append(
    marker,
    [toAppend({ type: 'SpecificationMarked', data: {} })],
    'noStream',
  );
  return lastPosition;
}

/**
 * Every event appended after `after` (default: the whole log), in any stream or in those the filter passes, markers
 * left out. A global read may trail commits (the Postgres store holds back a position while an older transaction
 * anywhere on the server is open), so it appends a marker and reads until it reaches it: whatever was committed
 * before the call lies before it. Tests read the store this way, never by SQL.
 */
export async function appendedSince(store: EventStore, after = 0n, filter?: AllFilter): Promise<RecordedEvent[]> {
  const lastPosition = await markPosition(store);
  const seen: RecordedEvent[] = [];
  let from = after;
  await waitFor(`the global log to reach the marker at ${lastPosition}`, async () => {
    const batch = await store.readAll({ after: from, limit: 1000 });
    seen.push(...batch);
    if (batch.length > 0) from = batch.at(-1)!.position;
    return from >= lastPosition;
  });
  // Not parseStreamName: a test may append to a stream that is not in category-id form; it must not throw here.
  return seen.filter((e) => !e.streamId.startsWith(`${MARKER_CATEGORY}-`) && matchesFilter(e.streamId, e.type, filter));
}

const shape = (events: readonly { type: string; data: unknown }[]) =>
  events.map((e) => ({ type: e.type, data: e.data }));

/**
 * An HTTP specification of a slice, read as given / when / then:
 * given these events in these streams, when this request goes through `app.inject`, then this response and exactly
 * these new events in exactly these streams (read through the EventStore API, never by SQL).
 *
 *     await httpSpecification(fx)
 *       .given(releaseStream(id), event(ReleasePlanned, { … }))
 *       .when({ method: 'POST', url: `/releases/${id}/freeze`, headers })
 *       .then({ status: 200, events: { [releaseStream(id)]: [event(ReleaseFrozen, { … })] } });
 */
export function httpSpecification(target: { app: Injectable; store: EventStore }): HttpSpecification {
  const givens: { stream: string; events: SpecEvent[] }[] = [];
  const specification: HttpSpecification = {
    given(stream, ...events) {
      givens.push({ stream, events });
      return specification;
    },
    when(requestOrFactory) {
      return {
        // biome-ignore lint/suspicious/noThenProperty: see HttpWhen.then.
        async then(expected) {
          if (typeof expected !== 'object' || expected === null) {
            throw new TypeError('call then({ status, … }) on the result of when(); never await when() itself');
          }
          const { store, app } = target;
          const revisions = new Map<string, number>();
          // A stream given no events is still watched: the request must append nothing to it.
          for (const { stream, events } of givens) {
            if (events.length > 0) await store.append(stream, events.map(toAppend), 'any');
          }
          for (const { stream } of givens) revisions.set(stream, (await store.readStream(stream)).length);
          const before = await markPosition(store);
          const request = typeof requestOrFactory === 'function' ? await requestOrFactory() : requestOrFactory;

          const response = await app.inject(request);
          const described = `${request.method} ${request.url} answered ${response.statusCode}: ${response.body.slice(0, 500)}`;
          expect(response.statusCode, described).toBe(expected.status);
          if (expected.code !== undefined) {
            expect(response.headers['content-type'], described).toMatch(/^application\/problem\+json/);
            expect(response.json().code, described).toBe(expected.code);
          }
          if (typeof expected.body === 'function') expected.body(response.json(), response);
          else if (expected.body !== undefined)
            expect(response.json(), described).toMatchObject(expected.body as object);

          const expectedEvents =
            (typeof expected.events === 'function' ? expected.events(response) : expected.events) ?? {};
          const streams = new Set([...revisions.keys(), ...Object.keys(expectedEvents)]);
          const appended: Record<string, RecordedEvent[]> = {};
          for (const stream of streams) {
            const all = await store.readStream(stream);
            appended[stream] = all.slice(revisions.get(stream) ?? 0);
            expect(shape(appended[stream]), `new events in ${stream} after ${described}`).toEqual(
              shape(expectedEvents[stream] ?? []),
            );
          }
          const elsewhere = (await appendedSince(store, before)).filter((e) => !streams.has(e.streamId));
          expect(
            elsewhere.map((e) => `${e.type} in ${e.streamId}`),
            `events appended in streams the specification does not name, after ${described}`,
          ).toEqual([]);
          return { response, events: appended };
        },
      };
    },
  };
  return specification;
}
