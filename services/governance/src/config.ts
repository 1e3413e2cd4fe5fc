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
  /** Where rollback and incident notices are POSTed (G7); unset: notices are recorded as not sent. */
  GOVERNANCE_NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Signs the notices per Standard Webhooks (`whsec_` + base64 of at least 16 bytes); unset: unsigned. */
  GOVERNANCE_NOTIFY_WEBHOOK_SECRET: z
    .string()
    .regex(/^(whsec_)?[A-Za-z0-9+/]{22,}={0,2}$/, 'must be whsec_ followed by the base64 of at least 16 bytes')
    .optional(),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;
