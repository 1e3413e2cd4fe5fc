import { parseStreamName } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { AnyTransaction } from '@railyard/readmodels';
import { sql } from 'kysely';
import { foldIncidentFact } from '../incidents/incident-facts.js';
import { foldDeploymentFact } from '../inputs/deployment-facts.js';
import { foldReleaseFact } from '../inputs/release-facts.js';
import { foldOwnershipFact } from '../ownership/ownership-facts.js';
import { execOfKysely, type Fold } from './fact-event.js';

const FOLDS: Record<string, Fold> = {
  deployment: foldDeploymentFact,
  release: foldReleaseFact,
  incident: foldIncidentFact,
  serviceOwnership: foldOwnershipFact,
};

/** Applies one stored event with the fold of its category (an event that does not parse is left out, as live). */
async function projectReporting(trx: AnyTransaction, event: RecordedEvent): Promise<void> {
  const fold = FOLDS[parseStreamName(event.streamId).category];
  if (fold) await fold(execOfKysely(trx), event);
}

/** Empties every table the reporting facts fill (the views follow). */
async function resetReporting(trx: AnyTransaction): Promise<void> {
  await sql`TRUNCATE reporting.deployments, reporting.changes, reporting.rollbacks, reporting.releases,
    reporting.approvals, reporting.freeze_exceptions, reporting.incidents, reporting.incident_links,
    governance.incident_classifications, governance.service_teams`.execute(trx);
}

/**
 * The reporting schema as one projection for `railyard rebuild reporting`: every category governance learns from,
 * read from the store with the folds the consumers use live, so the rebuilt rows equal the live ones.
 */
export const reportingProjection = {
  name: 'reporting',
  schema: 'governance',
  filter: { categories: ['deployment', 'release', 'incident', 'serviceOwnership'] },
  project: projectReporting,
  reset: resetReporting,
} as const;

/**
 * What runs live under the same name: governance's own categories from its store. Others' events arrive through the
 * durable consumers; after a rebuild the checkpoint is at the head and this runner carries on from there.
 */
export const liveReportingProjection = {
  ...reportingProjection,
  filter: { categories: ['incident', 'serviceOwnership'] },
} as const;
