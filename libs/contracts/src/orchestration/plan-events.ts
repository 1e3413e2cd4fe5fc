import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Rollout plans (O1, O6): a release's services, the API contracts each provides and consumes, and the waves derived
 * from that graph. Stream `rolloutPlan-<id>`. Monitoring learns the dependency graph from `RolloutPlanCreated` (M3:
 * a consumer depends on the provider of an API it consumes); governance learns the lead. Orchestration adds the
 * events of the plan's execution (waves, commands, migrations, runbook, escalation) to this catalogue.
 */

/** An API contract name, e.g. `orders-api`. */
export const ApiName = z.string().regex(/^[a-z][a-z0-9._-]{0,99}$/, 'a lowercase API contract name');
/** A semver version (https://semver.org), e.g. `2.1.0`. */
export const SemverVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'a semver version such as 2.1.0');
/** A semver range in node-semver's syntax, e.g. `^2.1.0` or `>=1.4 <3`. */
export const SemverRange = z.string().min(1).max(200);

export const PlannedService = z.strictObject({
  service: ServiceNameSchema,
  version: z.string().min(1).max(256).describe('The artifact version the plan deploys.'),
  provides: z.array(z.strictObject({ api: ApiName, version: SemverVersion })).max(100),
  consumes: z.array(z.strictObject({ api: ApiName, range: SemverRange })).max(100),
});
export type PlannedService = z.infer<typeof PlannedService>;

export const RolloutPlanCreated = defineEvent(
  'RolloutPlanCreated',
  z.strictObject({
    planId: z.uuid(),
    releaseId: z.uuid(),
    environments: z.array(EnvironmentName).min(1).max(20).describe('Deployed in this order, each wave by wave.'),
    services: z.array(PlannedService).min(1).max(200),
    waves: z
      .array(z.array(ServiceNameSchema).min(1))
      .min(1)
      .describe('Derived from the contract graph: providers before the consumers that need their new version.'),
    lead: z.string().min(1).max(200).describe('The deployment lead (O6).'),
    escalation: z
      .array(z.string().min(1).max(200))
      .max(20)
      .describe('Who is asked next when the lead does not answer.'),
    ackTimeoutMinutes: z.number().int().min(1).max(1440),
    createdBy: z.string().min(1).max(200),
    reason: z.string().max(2000),
  }),
  'A rollout plan for a release: its services and their API contracts, the waves derived from them, and its lead.',
);

/** The rollout plan aggregate's catalogue (`rolloutPlan-<id>`); orchestration adds the execution events. */
export const rolloutPlanEvents = { RolloutPlanCreated } as const;

/** `rolloutPlan-<id>`: one release's rollout across services and environments. */
export const rolloutPlanStream = (id: string) => streamName('rolloutPlan', id);
