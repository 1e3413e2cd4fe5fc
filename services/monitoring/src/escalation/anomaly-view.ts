import { AnomalyEscalated, AnomalyOpened } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

export const AnomalyView = schemaComponent(
  'Anomaly',
  AnomalyOpened.schema.extend({
    status: z.enum(['open', 'resolved']),
    resolved: z.object({ resolvedAt: z.string(), reason: z.string() }).nullable(),
    escalated: AnomalyEscalated.schema.nullable(),
  }),
);
