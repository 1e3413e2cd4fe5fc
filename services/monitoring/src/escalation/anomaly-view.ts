import { AnomalyEscalated, AnomalyOpened } from '@railyard/contracts';
import { z } from 'zod';

export const AnomalyView = AnomalyOpened.schema.extend({
  status: z.enum(['open', 'resolved']),
  resolved: z.object({ resolvedAt: z.string(), reason: z.string() }).nullable(),
  escalated: AnomalyEscalated.schema.nullable(),
});
