import {
  AnomalyEscalated,
  GovernanceErrorCodes as Codes,
  type DomainError,
  type IncidentSeverity,
  incidentStream,
} from '@railyard/contracts';
import type { BusEvent } from '@railyard/messaging';
import { PoisonMessageError } from '@railyard/messaging';
import { v5 as uuidv5 } from 'uuid';
import type { z } from 'zod';
import type { IncidentCommands } from '../incident-commands.js';

// Namespace of incident ids derived from anomaly ids (RFC 9562 name-based UUIDs): one incident per anomaly, however
// often the escalation is delivered or replayed.
const INCIDENT_FROM_ANOMALY = '3b0f5d2e-2c55-4a8e-9b8e-5f1f7a0c6d41';
export const incidentIdOfAnomaly = (anomalyId: string) => uuidv5(anomalyId, INCIDENT_FROM_ANOMALY);

/**
 * PagerDuty's event severities onto incident severities. SEV1 (public notice) is a person's call, never automatic.
 */
const SEVERITY: Record<z.infer<typeof AnomalyEscalated.schema>['severity'], IncidentSeverity> = {
  critical: 'SEV2',
  error: 'SEV3',
  warning: 'SEV4',
  info: 'SEV5',
};

/**
 * Monitoring escalated an anomaly (M7): open its incident (G4). The effect is an append to governance's own stream
 * with an id derived from the anomaly, so a redelivery finds the incident there and does nothing more.
 */
export async function openIncidentFromEscalation(
  event: BusEvent,
  deps: { commands: IncidentCommands; now: () => Date },
): Promise<void> {
  if (event.type !== 'AnomalyEscalated') return;
  const parsed = AnomalyEscalated.schema.safeParse(event.data);
  if (!parsed.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  const d = parsed.data;
  const incidentId = incidentIdOfAnomaly(d.anomalyId);
  try {
    await deps.commands.handle(
      incidentStream(incidentId),
      {
        type: 'OpenIncident',
        incidentId,
        title: d.summary,
        severity: SEVERITY[d.severity],
        service: d.service,
        environment: d.environment,
        source: { kind: 'anomaly', anomalyId: d.anomalyId, dedupKey: d.dedupKey },
        suspectedDeploymentId: d.deploymentId,
        actor: 'governance',
        at: deps.now(),
      },
      {
        actor: { id: 'governance', kind: 'system', roles: [] },
        now: deps.now(),
        correlationId: event.metadata.correlationId,
        causationId: event.id,
      },
    );
  } catch (error) {
    if ((error as DomainError).code === Codes.INCIDENT_EXISTS) return;
    throw error;
  }
}
