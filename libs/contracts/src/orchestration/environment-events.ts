import { z } from 'zod';
import { Sha256Hex } from '../artifact/artifact-events.js';
import { defineEvent } from '../envelope.js';
import { ServiceNameSchema } from '../pipeline/definition-events.js';
import { EnvironmentTier, JsonPointer, OrchestrationEnvironmentName } from './names.js';

const name = OrchestrationEnvironmentName;
const actorId = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });
/** A JSON object as agents and IaC tools produce it (values are any JSON). */
export const JsonObject = z.record(z.string(), z.unknown());

/** The IaC source of an environment: the template, its version, and the parameters it is applied with. */
export const IacSource = z.strictObject({
  template: z.string().min(1).max(500).describe('A template reference, e.g. git URL + path, or a module name.'),
  version: z.string().min(1).max(100),
  parameters: JsonObject.describe('The desired configuration: what drift is measured against.'),
  parametersSha256: Sha256Hex.describe('sha256 of the canonical JSON of the parameters (sorted keys).'),
});
export type IacSource = z.infer<typeof IacSource>;

/** One RFC 6902 operation turning the desired configuration into the reported one. */
export const DriftDifference = z.strictObject({
  op: z.enum(['add', 'remove', 'replace']),
  path: JsonPointer,
  expected: z.unknown().optional().describe('The desired value (absent for add).'),
  actual: z.unknown().optional().describe('The reported value (absent for remove).'),
});
export type DriftDifference = z.infer<typeof DriftDifference>;

export const RecreateSchedule = z.strictObject({
  cron: z.string().min(1).max(200),
  timeZone: z.string().min(1).max(64),
});

export const EnvironmentRegistered = defineEvent(
  'EnvironmentRegistered',
  z.strictObject({
    name,
    service: ServiceNameSchema,
    tier: EnvironmentTier,
    region: z.string().min(1).max(64),
    iac: IacSource,
    driftIgnore: z.array(JsonPointer).max(100).describe('JSON Pointers whose subtrees drift detection ignores.'),
    ttlMinutes: z.number().int().min(1).max(525_600).nullable().describe('Ephemeral environments only.'),
    expiresAt: at.nullable().describe('Ephemeral environments only: when the TTL runs out.'),
    recreate: RecreateSchedule.nullable(),
    registeredAt: at,
    registeredBy: actorId,
  }),
  'An environment: tier, region, its IaC source (template, version, parameters and their sha256), drift ignore rules, and for ephemeral ones a TTL and recreate schedule.',
);

export const ActualConfigReported = defineEvent(
  'ActualConfigReported',
  z.strictObject({ name, config: JsonObject, configSha256: Sha256Hex, reportedBy: actorId }),
  'An agent reported the configuration the environment actually runs with.',
);

export const DriftDetected = defineEvent(
  'DriftDetected',
  z.strictObject({ name, configSha256: Sha256Hex, differences: z.array(DriftDifference).min(1) }),
  'The reported configuration differs from the desired one (after ignore rules), as RFC 6902 operations.',
);

export const DriftCleared = defineEvent(
  'DriftCleared',
  z.strictObject({ name, configSha256: Sha256Hex }),
  'The reported configuration matches the desired one again.',
);

export const EnvironmentTornDown = defineEvent(
  'EnvironmentTornDown',
  z.strictObject({ name, reason: z.enum(['ttl-expired']), expiresAt: at, tornDownAt: at }),
  'The scheduler tore an ephemeral environment down because its TTL ran out.',
);

export const EnvironmentRecreateRequested = defineEvent(
  'EnvironmentRecreateRequested',
  z.strictObject({
    name,
    cron: z.string().min(1).max(200),
    scheduledFor: at,
    requestedAt: at,
    expiresAt: at.nullable().describe('With a TTL, the recreated environment expires again at this time.'),
  }),
  'The recreate schedule came due: the agent should recreate the environment from its IaC source (its TTL restarts).',
);

/** The environment aggregate's catalogue (`environment-<name>`). */
export const environmentEvents = {
  EnvironmentRegistered,
  ActualConfigReported,
  DriftDetected,
  DriftCleared,
  EnvironmentTornDown,
  EnvironmentRecreateRequested,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The environment's events as a discriminated union of `{ type, data }`. */
export type EnvironmentEvent = {
  [K in keyof typeof environmentEvents]: { type: K; data: DataOf<(typeof environmentEvents)[K]> };
}[keyof typeof environmentEvents];
