import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

/** The planning service's environment: the common variables plus its port (4101). */
export const planningConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4101),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
});
export type PlanningConfig = z.infer<typeof planningConfigSchema>;
