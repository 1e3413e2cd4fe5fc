import { z } from 'zod';

/** The roles of DESIGN §5; `admin` passes every role check. */
export const Roles = [
  'release-manager',
  'product-owner',
  'cab-member',
  'developer',
  'deployer',
  'approver',
  'deployment-lead',
  'sre',
  'auditor',
  'analyst',
  'admin',
] as const;
export type Role = (typeof Roles)[number];

/** Who issued a command: a user (JWT subject) or a system (API key id), with the roles it held then. */
export const Actor = z.strictObject({
  id: z.string().min(1).max(200),
  kind: z.enum(['user', 'system']),
  roles: z.array(z.string().min(1).max(64)).max(32),
});
export type Actor = z.infer<typeof Actor>;

/** Metadata carried by every event (DESIGN §4). Extra keys are allowed so adapters can add their own. */
export const EventMetadata = z.looseObject({
  occurredAt: z.iso.datetime({ offset: true }),
  actor: Actor,
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200),
  traceparent: z.string().max(200).optional(),
  tracestate: z.string().max(512).optional(),
  schemaVersion: z.number().int().positive(),
  idempotencyKey: z.string().max(200).optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** An event as it is written: the store assigns revision, position and hash. */
export const EventEnvelope = z.strictObject({
  id: z.uuid(),
  type: z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'event type is PascalCase'),
  data: z.record(z.string(), z.unknown()),
  metadata: EventMetadata,
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/**
 * One entry of an event catalogue: the zod schema of an event's data and its current schema version.
 * `upcast` turns data stored under an older version into the current shape; stored events are never rewritten.
 */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  schema: S;
  version: number;
  description: string;
  upcast?: (data: unknown, fromVersion: number) => unknown;
}

/** Declares an event type with its data schema; used to build a service's catalogue. */
export function defineEvent<T extends string, S extends z.ZodType>(
  type: T,
  schema: S,
  description: string,
  options: { version?: number; upcast?: (data: unknown, fromVersion: number) => unknown } = {},
): EventDefinition<T, S> {
  return { type, schema, description, version: options.version ?? 1, upcast: options.upcast };
}

/** A service's event catalogue keyed by event type. */
export type EventCatalogue = Record<string, EventDefinition>;
