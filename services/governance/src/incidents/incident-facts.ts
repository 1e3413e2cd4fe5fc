import { type EventCatalogue, type IncidentEvent, incidentEvents } from '@railyard/contracts';
import { decodeFact, type Fold, occurredAt } from '../reporting/fact-event.js';

const catalogue = incidentEvents as unknown as EventCatalogue;

/**
 * Folds governance's own `incident-<id>` events into reporting.incidents, reporting.incident_links and the
 * classification history (governance.incident_classifications) the "as known then" figures read.
 */
export const foldIncidentFact: Fold = async (exec, event) => {
  const decoded = decodeFact<IncidentEvent['data']>(catalogue, event);
  if (!decoded) return event.type in catalogue ? 'invalid' : 'applied';
  const e = { type: event.type, data: decoded } as IncidentEvent;
  const at = occurredAt(event);
  switch (e.type) {
    case 'IncidentOpened': {
      const d = e.data;
      await exec.query(
        `INSERT INTO reporting.incidents (incident_id, title, service, environment, severity, cause_class, status,
           source_kind, anomaly_id, suspected_deployment_id, opened_at, opened_by, opened_event_id, last_event_id,
           updated_at)
         VALUES ($1, $2, $3, $4, $5, 'unknown', 'open', $6, $7, $8, $9, $10, $11, $11, $12)
         ON CONFLICT (incident_id) DO NOTHING`,
        [
          d.incidentId,
          d.title,
          d.service,
          d.environment,
          d.severity,
          d.source.kind,
          d.source.kind === 'anomaly' ? d.source.anomalyId : null,
          d.suspectedDeploymentId,
          new Date(d.openedAt),
          d.openedBy,
          event.id,
          at,
        ],
      );
      break;
    }
    case 'IncidentClassified': {
      const d = e.data;
      await exec.query(
        `UPDATE reporting.incidents SET severity = $2, cause_class = $3, cause = $4, missing_safeguard = $5,
           last_event_id = $6, updated_at = $7 WHERE incident_id = $1`,
        [d.incidentId, d.severity, d.causeClass, d.cause, d.missingSafeguard, event.id, at],
      );
      await exec.query(
        `INSERT INTO governance.incident_classifications (event_id, incident_id, severity, cause_class, cause,
           missing_safeguard, classified_by, classified_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
        [
          event.id,
          d.incidentId,
          d.severity,
          d.causeClass,
          d.cause,
          d.missingSafeguard,
          d.classifiedBy,
          at,
          event.createdAt,
        ],
      );
      break;
    }
    case 'IncidentLinked': {
      const d = e.data;
      await exec.query(
        `INSERT INTO reporting.incident_links (incident_id, deployment_id, role, reason, linked_by, linked_at,
           event_id, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (incident_id, deployment_id, role) DO NOTHING`,
        [d.incidentId, d.deploymentId, d.role, d.reason, d.linkedBy, at, event.id, event.createdAt],
      );
      await exec.query('UPDATE reporting.incidents SET last_event_id = $2, updated_at = $3 WHERE incident_id = $1', [
        d.incidentId,
        event.id,
        at,
      ]);
      break;
    }
    case 'IncidentResolved': {
      const d = e.data;
      await exec.query(
        `UPDATE reporting.incidents SET status = 'resolved', resolved_at = $2, resolution = $3, last_event_id = $4,
           updated_at = $5 WHERE incident_id = $1`,
        [d.incidentId, new Date(d.resolvedAt), d.resolution, event.id, at],
      );
      break;
    }
    case 'IncidentReopened':
      await exec.query(
        `UPDATE reporting.incidents SET status = 'open', resolved_at = NULL, resolution = NULL,
           reopened_count = reopened_count + 1, last_event_id = $2, updated_at = $3 WHERE incident_id = $1`,
        [e.data.incidentId, event.id, at],
      );
      break;
  }
  return 'applied';
};
