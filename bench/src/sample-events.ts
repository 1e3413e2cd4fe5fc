import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@railyard/contracts';
import type { EventToAppend } from '@railyard/eventstore';

const ACTOR = { id: 'bench-user', kind: 'user' as const, roles: ['release-manager'] };

/** Metadata as a command writes it: actor, correlation, trace context, schema version. */
export function sampleMetadata(): EventMetadata {
  const correlationId = randomUUID();
  return {
    occurredAt: new Date().toISOString(),
    actor: ACTOR,
    correlationId,
    causationId: correlationId,
    traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
    schemaVersion: 1,
  };
}

/**
 * A ScopeItemAdded-shaped event (~600 bytes of JSON with its metadata): the size the raw baselines insert too.
 * Written to the `benchWrite` category, which no projection or relay reads.
 */
export function sampleEvent(releaseId = randomUUID()): EventToAppend {
  return {
    id: randomUUID(),
    type: 'ScopeItemAdded',
    data: {
      releaseId,
      itemId: randomUUID(),
      title: 'Checkout: retry card authorisation on gateway timeout',
      team: 'payments',
      kind: 'feature',
      roadmapRef: 'ROADMAP-1234',
      author: 'bench-user',
    },
    metadata: sampleMetadata(),
  };
}

/** The stream the write figures append to: a category no service owns, so relays and projections skip it. */
export const benchStream = (id: string) => `benchWrite-${id}`;

/** A release's events valid for the release-list projection: ReleasePlanned, then `scopeItems` ScopeItemAdded. */
export function releaseHistory(scopeItems: number): { releaseId: string; events: EventToAppend[] } {
  const releaseId = randomUUID();
  const planned: EventToAppend = {
    id: randomUUID(),
    type: 'ReleasePlanned',
    data: {
      releaseId,
      name: `Bench release ${releaseId.slice(0, 8)}`,
      targetDate: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10),
      owner: 'bench-user',
    },
    metadata: sampleMetadata(),
  };
  return { releaseId, events: [planned, ...Array.from({ length: scopeItems }, () => sampleEvent(releaseId))] };
}
