import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

/** The monitoring service's environment: the common variables plus its port (4105). */
export const monitoringConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4105),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
});
export type MonitoringConfig = z.infer<typeof monitoringConfigSchema>;
