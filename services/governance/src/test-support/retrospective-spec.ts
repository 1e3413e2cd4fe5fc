import { randomUUID } from 'node:crypto';
import { RetrospectiveActionAdded, RetrospectiveRecorded, retrospectiveStream } from '@railyard/contracts';
import { event, type SpecEvent } from '@railyard/testing';

/** The instant the retrospective specifications' clock stands at. */
export const specNow = new Date('2026-11-02T09:00:00.000Z');

/** A fresh retrospective (about an incident) and its stream, with the given event that records it. */
export function freshRetrospective() {
  const id = randomUUID();
  return {
    id,
    stream: retrospectiveStream(id),
    recorded: event(RetrospectiveRecorded, {
      retrospectiveId: id,
      subject: { kind: 'incident', incidentId: randomUUID() },
      title: 'ledger outage',
      timeline: [],
      contributingFactors: ['no rehearsal'],
      wentWell: [],
      recordedBy: 'sre-1',
      recordedAt: specNow.toISOString(),
    }),
  };
}

/** An action added to retrospective `id`. */
export const actionAdded = (id: string, actionId: string, dueDate = '2026-11-09'): SpecEvent =>
  event(RetrospectiveActionAdded, {
    retrospectiveId: id,
    actionId,
    description: 'Rehearse migrations',
    owner: 'dev-lea',
    dueDate,
    addedBy: 'sre-1',
  });
