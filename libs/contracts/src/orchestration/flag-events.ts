import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/**
 * Feature flags (O4), in flagd's flag-definition format so that a definition can be exported to flagd as is and
 * read by any OpenFeature client through OFREP. Two aggregates: `flag-<key>` and `flagSegment-<name>` (a segment
 * is a named, reusable targeting rule: flagd's `$evaluators`, referred to from targeting as `{"$ref": name}`).
 */

/** A flag key: also the id of its stream and a path segment of the OFREP URL, so no slash, space or `?`. */
export const FlagKey = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a flag key is letters, digits, "_", "." and "-" (at most 128)');
export const SegmentName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a segment name starts with a letter: letters, digits, "_", "-"');
export const VariantName = z.string().min(1).max(100);
export const FlagState = z.enum(['ENABLED', 'DISABLED']);
export type FlagState = z.infer<typeof FlagState>;

/**
 * Any JSON value. Bodies arrive as parsed JSON, so nothing else can reach it; `z.json()` would say the same with a
 * recursive schema that OpenAPI tools cannot resolve.
 */
export const JsonValue = z.unknown().describe('Any JSON value.');
/** A JSONLogic rule: an object whose operators flagd-core checks against flagd's targeting schema. */
export const TargetingRule = z.record(z.string(), JsonValue);
export type TargetingRule = z.infer<typeof TargetingRule>;

/** flagd metadata values are primitives. */
export const FlagMetadataValues = z.record(
  z.string().min(1).max(100),
  z.union([z.string().max(500), z.number(), z.boolean()]),
);

/** One flag as flagd defines it (https://flagd.dev/reference/flag-definitions/). */
export const FlagDefinition = z.strictObject({
  state: FlagState,
  variants: z.record(VariantName, JsonValue).refine((v) => Object.keys(v).length > 0, 'a flag needs a variant'),
  defaultVariant: VariantName,
  targeting: TargetingRule.optional(),
  metadata: FlagMetadataValues.optional(),
});
export type FlagDefinition = z.infer<typeof FlagDefinition>;

const Reason = z.string().trim().min(1).max(1000);
const By = z.string().min(1).max(200);

export const FlagDefined = defineEvent(
  'FlagDefined',
  z.strictObject({
    key: FlagKey,
    definition: FlagDefinition,
    offVariant: VariantName.describe('The variant the kill switch serves everywhere.'),
    reason: Reason,
    definedBy: By,
  }),
  'A feature flag was defined in flagd format, with the variant its kill switch serves.',
);

export const FlagTargetingChanged = defineEvent(
  'FlagTargetingChanged',
  z.strictObject({
    key: FlagKey,
    targeting: TargetingRule.nullable().describe('null: no targeting, the default variant for everyone.'),
    reason: Reason,
    changedBy: By,
  }),
  "A flag's JSONLogic targeting was replaced.",
);

export const FlagVariantsChanged = defineEvent(
  'FlagVariantsChanged',
  z.strictObject({
    key: FlagKey,
    variants: z.record(VariantName, JsonValue),
    defaultVariant: VariantName,
    offVariant: VariantName,
    reason: Reason,
    changedBy: By,
  }),
  "A flag's variants, default variant and kill-switch variant were replaced.",
);

export const FlagStateChanged = defineEvent(
  'FlagStateChanged',
  z.strictObject({ key: FlagKey, state: FlagState, reason: Reason, changedBy: By }),
  'A flag was enabled or disabled (a disabled flag answers DISABLED and the caller uses its code default).',
);

export const FlagKilled = defineEvent(
  'FlagKilled',
  z.strictObject({ key: FlagKey, offVariant: VariantName, reason: Reason, killedBy: By }),
  'The kill switch: the flag serves its off variant to everyone, whatever its state and targeting, until restored.',
);

export const FlagRestored = defineEvent(
  'FlagRestored',
  z.strictObject({ key: FlagKey, reason: Reason, restoredBy: By }),
  'The kill switch was released: the flag evaluates its state and targeting again.',
);

/** The flag aggregate's catalogue (`flag-<key>`). */
export const flagEvents = {
  FlagDefined,
  FlagTargetingChanged,
  FlagVariantsChanged,
  FlagStateChanged,
  FlagKilled,
  FlagRestored,
} as const;

export const SegmentDefined = defineEvent(
  'SegmentDefined',
  z.strictObject({
    name: SegmentName,
    rule: TargetingRule,
    description: z.string().max(1000).optional(),
    reason: Reason,
    definedBy: By,
  }),
  'A named targeting rule that flags share through {"$ref": name} (flagd $evaluators).',
);

export const SegmentChanged = defineEvent(
  'SegmentChanged',
  z.strictObject({
    name: SegmentName,
    rule: TargetingRule,
    reason: Reason,
    changedBy: By,
    affectedFlags: z.array(FlagKey).describe('The flags whose targeting referred to the segment when it changed.'),
  }),
  "A segment's rule was replaced; every flag that refers to it evaluates with the new rule.",
);

/** The segment aggregate's catalogue (`flagSegment-<name>`). */
export const flagSegmentEvents = { SegmentDefined, SegmentChanged } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The flag's events as a discriminated union of `{ type, data }`. */
export type FlagEvent = {
  [K in keyof typeof flagEvents]: { type: K; data: DataOf<(typeof flagEvents)[K]> };
}[keyof typeof flagEvents];
/** The segment's events as a discriminated union of `{ type, data }`. */
export type FlagSegmentEvent = {
  [K in keyof typeof flagSegmentEvents]: { type: K; data: DataOf<(typeof flagSegmentEvents)[K]> };
}[keyof typeof flagSegmentEvents];

/** Error codes of the flag capability (`ORCHESTRATION_FLAG_*`). Never renamed once published. */
export const FlagErrorCodes = {
  FLAG_NOT_FOUND: 'ORCHESTRATION_FLAG_NOT_FOUND',
  FLAG_EXISTS: 'ORCHESTRATION_FLAG_EXISTS',
  FLAG_INVALID: 'ORCHESTRATION_FLAG_INVALID',
  FLAG_UNCHANGED: 'ORCHESTRATION_FLAG_UNCHANGED',
  FLAG_NOT_KILLED: 'ORCHESTRATION_FLAG_NOT_KILLED',
  FLAG_ALREADY_KILLED: 'ORCHESTRATION_FLAG_ALREADY_KILLED',
  SEGMENT_NOT_FOUND: 'ORCHESTRATION_SEGMENT_NOT_FOUND',
  SEGMENT_INVALID: 'ORCHESTRATION_SEGMENT_INVALID',
  SEGMENT_UNCHANGED: 'ORCHESTRATION_SEGMENT_UNCHANGED',
} as const;
