import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import { sql } from 'kysely';

export const ANOMALY_LIST = 'anomaly-list';

/** Applies one anomaly event to `monitoring.anomaly_list`, inside the runner's checkpoint transaction. */
export const projectAnomalyList: ProjectFn = async (trx, event: RecordedEvent) => {
  const d = event.data as Record<string, string | null>;
  switch (event.type) {
    case 'AnomalyOpened':
      await sql`INSERT INTO monitoring.anomaly_list
          (anomaly_id, source, service, environment, deployment_id, release_id, severity, summary, opened_at, status)
        VALUES (${d.anomalyId}, ${d.source}, ${d.service}, ${d.environment}, ${d.deploymentId}, ${d.releaseId},
          ${d.severity}, ${d.summary}, ${d.openedAt}, 'open')
        ON CONFLICT (anomaly_id) DO NOTHING`.execute(trx);
      return;
    case 'AnomalyResolved':
      await sql`UPDATE monitoring.anomaly_list SET status = 'resolved', resolved_at = ${d.resolvedAt}
        WHERE anomaly_id = ${d.anomalyId}`.execute(trx);
      return;
    case 'AnomalyEscalated':
      await sql`UPDATE monitoring.anomaly_list SET escalated_at = ${d.escalatedAt}
        WHERE anomaly_id = ${d.anomalyId}`.execute(trx);
      return;
  }
};

export const anomalyListProjection = {
  name: ANOMALY_LIST,
  schema: 'monitoring',
  filter: { categories: ['anomaly'] },
  project: projectAnomalyList,
  reset: async (trx: unknown) => {
    await sql`DELETE FROM monitoring.anomaly_list`.execute(trx as never);
  },
} as const;
