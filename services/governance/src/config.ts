import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

/** The governance service's environment: the common variables, its port (4106) and the analyst role's password. */
export const governanceConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4106),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /**
   * The password of `railyard_analyst` (LOGIN, SELECT on `reporting` only). Unset: the role keeps whatever password
   * it has (none on a developer machine, where Postgres trusts local connections).
   */
  RAILYARD_ANALYST_PASSWORD: z.string().min(12).max(200).optional(),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;
