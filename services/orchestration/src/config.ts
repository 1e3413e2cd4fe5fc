import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

/** The orchestration service's environment: the common variables plus its port (4104) and its scheduler's pace. */
export const orchestrationConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4104),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** How often the lifecycle scheduler looks for expired TTLs, due recreates and ended bookings. */
  ORCHESTRATION_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
  /** How long a minute lasts for plans and deployments (escalation deadlines, pauses): tests shorten it. */
  ORCHESTRATION_MINUTE_MS: z.coerce.number().int().min(1).default(60_000),
});
export type OrchestrationConfig = z.infer<typeof orchestrationConfigSchema>;
