import {
  EnvironmentName,
  type EventCatalogue,
  IncidentSeverity,
  incidentEvents,
  incidentStream,
  LinkRole,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type IncidentState, incidentDecider } from './domain/incident.decide.js';

const catalogue = incidentEvents as unknown as EventCatalogue;

export const createIncidentCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: incidentDecider, catalogue });
export type IncidentCommands = ReturnType<typeof createIncidentCommands>;
export const loadIncident = (store: EventStore, id: string) =>
  loadAggregate(store, incidentDecider, catalogue, incidentStream(id));

export const IncidentParams = z.strictObject({ id: z.uuid() });

export const IncidentView = schemaComponent(
  'Incident',
  z.object({
    incidentId: z.string(),
    title: z.string(),
    service: z.string(),
    environment: EnvironmentName.nullable(),
    severity: IncidentSeverity,
    causeClass: z.string(),
    cause: z.string().nullable(),
    missingSafeguard: z.string().nullable(),
    status: z.enum(['open', 'resolved']),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    source: z.object({ kind: z.string(), anomalyId: z.string().optional(), dedupKey: z.string().optional() }),
    suspectedDeploymentId: z.string().nullable(),
    links: z.array(z.object({ deploymentId: z.string(), role: LinkRole, reason: z.string(), linkedBy: z.string() })),
    revision: z.number().int(),
  }),
);

/** The view of an existing incident's state at a revision. */
export function incidentView(state: IncidentState, revision: bigint): z.infer<typeof IncidentView> {
  if (!state.exists) throw new TypeError('an incident view needs an incident');
  const { exists: _e, ...view } = state;
  return { ...view, revision: Number(revision) };
}
