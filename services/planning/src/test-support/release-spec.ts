import { randomUUID } from 'node:crypto';
import { type Actor, type ReleaseEvent, releaseEvents } from '@railyard/contracts';
import {
  event,
  type HttpSpecification,
  httpSpecification,
  type InjectRequest,
  type SpecEvent,
} from '@railyard/testing';
import { releaseStream } from '../releases/release-commands.js';
import { type PlanningFixture, startPlanning } from './planning-fixture.js';
import { at } from './release-history.js';

/**
 * The release decider's vocabulary (release-history.ts) for HTTP specifications: the same events, on the stream of
 * a fresh release each time, so the specifications of one file share a database without sharing a release.
 */
export function releaseEventsOf(releaseId: string, events: readonly ReleaseEvent[]): SpecEvent[] {
  return events.map((e) => event(releaseEvents[e.type], { ...e.data, releaseId }));
}

export interface ReleaseSpecFixture {
  f: PlanningFixture;
  /** A fresh release id and its stream (from the contracts' builder). */
  fresh(): { id: string; stream: string };
  /** A specification whose history is `events` on release `id`'s stream. */
  given(id: string, ...events: ReleaseEvent[]): HttpSpecification;
  /** A specification with no history. */
  spec(): HttpSpecification;
  /** The bearer header of this actor (its id and roles). */
  as(actor: Actor): Promise<{ authorization: string }>;
  /** A request by `actor`, for `when` (headers are signed when the specification runs). */
  request(method: InjectRequest['method'], url: string, actor: Actor, payload?: unknown): () => Promise<InjectRequest>;
  close(): Promise<void>;
}

/** The planning service with its clock stopped at release-history's `at`, for the slices' specifications. */
export async function startReleaseSpecs(label: string): Promise<ReleaseSpecFixture> {
  const f = await startPlanning(label, undefined, { now: () => at });
  return {
    f,
    fresh() {
      const id = randomUUID();
      return { id, stream: releaseStream(id) };
    },
    given(id, ...events) {
      return httpSpecification(f).given(releaseStream(id), ...releaseEventsOf(id, events));
    },
    spec: () => httpSpecification(f),
    as: (actor) => f.auth(actor.id, actor.roles),
    request: (method, url, actor, payload) => async () => ({
      method,
      url,
      headers: await f.auth(actor.id, actor.roles),
      ...(payload === undefined ? {} : { payload }),
    }),
    close: () => f.close(),
  };
}

/** A weekly train from 2026-11-05 (Thursdays 10:00 Paris, cutoff 2 days before) with teams payments and web. */
export const train = (trainId: string) => ({
  trainId,
  name: 'Thursday train',
  timeZone: 'Europe/Paris',
  firstSlot: '2026-11-05',
  everyWeeks: 1,
  releaseTime: '10:00',
  cutoffDaysBefore: 2,
  teams: ['payments', 'web'],
  createdBy: 'rm-ana',
});
