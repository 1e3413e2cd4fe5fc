import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import { sql } from 'kysely';

/** Applies a JourneyDefined to `monitoring.journey_index` (which journeys cover which service and environment). */
export const projectJourneyIndex: ProjectFn = async (trx, event: RecordedEvent) => {
  if (event.type !== 'JourneyDefined') return;
  const d = event.data as {
    name: string;
    definition: { service: string; environment: string | null; everySeconds?: number | null };
  };
  await sql`INSERT INTO monitoring.journey_index (name, service, environment, every_seconds)
    VALUES (${d.name}, ${d.definition.service}, ${d.definition.environment}, ${d.definition.everySeconds ?? null})
    ON CONFLICT (name) DO UPDATE SET service = EXCLUDED.service, environment = EXCLUDED.environment,
      every_seconds = EXCLUDED.every_seconds`.execute(trx);
};

export const journeyIndexProjection = {
  name: 'journey-index',
  schema: 'monitoring',
  filter: { categories: ['journey'] },
  project: projectJourneyIndex,
  reset: async (trx: unknown) => {
    await sql`DELETE FROM monitoring.journey_index`.execute(trx as never);
  },
} as const;
