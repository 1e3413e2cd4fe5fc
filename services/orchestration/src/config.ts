import { baseConfigSchema, portSchema } from '@railyard/service-kit';
import { z } from 'zod';

/** A Standard Webhooks secret: `whsec_` and the base64 of at least 16 bytes (the `standardwebhooks` package's form). */
const webhookSecret = z
  .string()
  .regex(/^(whsec_)?[A-Za-z0-9+/]{22,}={0,2}$/, 'must be whsec_ followed by the base64 of at least 16 bytes');

/** The orchestration service's environment: the common variables plus its port (4104) and its scheduler's pace. */
export const orchestrationConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4104),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** How often the lifecycle scheduler looks for expired TTLs, due recreates and ended bookings. */
  ORCHESTRATION_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
  // Deployments (O7): the deploy agent the webhook driver calls, and how the agent calls back.
  /** The deploy agent's base URL (the reference agent listens on 4190). */
  ORCHESTRATION_AGENT_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4190'),
  /** Signs the requests to the agent; the agent's DEPLOY_AGENT_REQUEST_SECRET. Development default: the agent's. */
  ORCHESTRATION_AGENT_SECRET: webhookSecret.default('whsec_ZGV2LWFnZW50LXJlcXVlc3Qtc2VjcmV0'),
  /** Verifies the agent's callbacks; the agent's DEPLOY_AGENT_CALLBACK_SECRET. Development default: the agent's. */
  ORCHESTRATION_CALLBACK_SECRET: webhookSecret.default('whsec_ZGV2LWFnZW50LWNhbGxiYWNrLXNlY3JldA=='),
  /** Where the agent reaches `POST /deployments/callbacks`. */
  ORCHESTRATION_CALLBACK_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4104/deployments/callbacks'),
  /** How long a "minute" of a canary pause or a blue-green keep time lasts: shortened for demos and tests. */
  ORCHESTRATION_MINUTE_MS: z.coerce.number().int().min(1).default(60_000),
  /** How long blue-green keeps the old version after the switch. */
  ORCHESTRATION_BLUE_GREEN_KEEP_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
  /** How often the deployment scheduler ends pauses, re-sends unanswered steps and resumes interrupted ones. */
  ORCHESTRATION_DEPLOYMENT_INTERVAL_MS: z.coerce.number().int().min(20).default(1000),
});
export type OrchestrationConfig = z.infer<typeof orchestrationConfigSchema>;
