import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { JsonValue } from '../orchestration/flag-events.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Synthetic journeys (M1): multi-step HTTP checks. A step's request may use `{{var}}` in its URL, header values and
 * body strings; variables come from the journey's own `variables` or are extracted by an earlier step from the JSON
 * body (a JSONPath) or a header. Streams `journey-<name>` (the definition) and `journeyRun-<runId>` (one run, one
 * event per step), owned by monitoring.
 */

const VarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name (letters, digits, _)');

export const JourneyAssertion = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('status'), equals: z.number().int().min(100).max(599) }),
  z.strictObject({
    kind: z.literal('header'),
    name: z.string().min(1).max(200),
    equals: z.string().max(2000).optional(),
    contains: z.string().max(2000).optional(),
  }),
  z.strictObject({ kind: z.literal('json'), path: z.string().min(1).max(500), equals: JsonValue }),
  z.strictObject({ kind: z.literal('text'), contains: z.string().min(1).max(2000) }),
  z.strictObject({ kind: z.literal('latency'), maxMs: z.number().int().min(1).max(600_000) }),
]);
export type JourneyAssertion = z.infer<typeof JourneyAssertion>;

export const JourneyStep = z.strictObject({
  name: z.string().min(1).max(200),
  request: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: z.string().min(1).max(4000),
    headers: z.record(z.string().min(1).max(200), z.string().max(4000)).default({}),
    body: JsonValue.optional(),
  }),
  extract: z
    .array(
      z.strictObject({
        var: VarName,
        from: z.enum(['body', 'header']),
        path: z.string().min(1).max(500).describe('A JSONPath for the body, a header name for a header.'),
      }),
    )
    .max(50)
    .default([]),
  assert: z.array(JourneyAssertion).max(50).default([]),
  timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  continueOnFailure: z.boolean().default(false),
});
export type JourneyStep = z.infer<typeof JourneyStep>;

export const JourneyDefinition = z.strictObject({
  service: ServiceNameSchema,
  environment: EnvironmentName.nullable().default(null),
  variables: z.record(VarName, z.string().max(4000)).default({}),
  everySeconds: z
    .number()
    .int()
    .min(10)
    .max(86_400)
    .nullable()
    .default(null)
    .describe('Also run on this schedule (null: only after deployment steps and on demand).'),
  steps: z.array(JourneyStep).min(1).max(50),
});
export type JourneyDefinition = z.infer<typeof JourneyDefinition>;

export const JourneyDefined = defineEvent(
  'JourneyDefined',
  z.strictObject({
    name: z.string().min(1).max(100),
    definition: JourneyDefinition,
    definedBy: z.string().min(1).max(200),
  }),
  'A journey was defined or replaced.',
);

export const JourneyAssertionResult = z.strictObject({
  assertion: z.string().max(2000),
  passed: z.boolean(),
  actual: z.string().max(2000).nullable(),
});

export const JourneyStepChecked = defineEvent(
  'JourneyStepChecked',
  z.strictObject({
    runId: z.uuid(),
    journey: z.string().min(1).max(100),
    index: z.number().int().min(0),
    step: z.string().min(1).max(200),
    outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
    status: z.number().int().nullable(),
    latencyMs: z.number().min(0).nullable(),
    assertions: z.array(JourneyAssertionResult).max(50),
    extracted: z.array(z.string()).max(50).describe('The names of the variables extracted (values are not kept).'),
    message: z.string().max(2000),
  }),
  'One step of a journey run: its outcome, status, latency and each assertion.',
);

export const JourneyRunCompleted = defineEvent(
  'JourneyRunCompleted',
  z.strictObject({
    runId: z.uuid(),
    journey: z.string().min(1).max(100),
    service: ServiceNameSchema,
    outcome: z.enum(['passed', 'failed']),
    passed: z.number().int().min(0),
    failed: z.number().int().min(0),
    skipped: z.number().int().min(0),
    trigger: z.enum(['manual', 'deployment', 'schedule']),
    deploymentId: z.uuid().nullable(),
  }),
  'A journey run ended: passed when every step passed.',
);

export const journeyEvents = { JourneyDefined } as const;
export const journeyRunEvents = { JourneyStepChecked, JourneyRunCompleted } as const;
/** `journey-<name>`. */
export const journeyStream = (name: string) => streamName('journey', name);
/** `journeyRun-<runId>`. */
export const journeyRunStream = (runId: string) => streamName('journeyRun', runId);
