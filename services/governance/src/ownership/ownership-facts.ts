import { type EventCatalogue, type ServiceTeamAssigned, serviceOwnershipEvents } from '@railyard/contracts';
import type { z } from 'zod';
import { decodeFact, type Fold } from '../reporting/fact-event.js';

const catalogue = serviceOwnershipEvents as unknown as EventCatalogue;

/** Folds `serviceOwnership-<service>` into governance.service_teams: the team each service belongs to now. */
export const foldOwnershipFact: Fold = async (exec, event) => {
  const d = decodeFact<z.infer<typeof ServiceTeamAssigned.schema>>(catalogue, event);
  if (!d) return event.type in catalogue ? 'invalid' : 'applied';
  await exec.query(
    `INSERT INTO governance.service_teams (service, team, assigned_by, event_id, recorded_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (service) DO UPDATE SET team = EXCLUDED.team, assigned_by = EXCLUDED.assigned_by,
       event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at`,
    [d.service, d.team, d.assignedBy, event.id, event.createdAt],
  );
  return 'applied';
};
