import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { ServiceNameSchema } from './definition-events.js';
import { LoadTestMetrics, RunArtifact } from './run-events.js';

/** A rule of a security policy: a CEL predicate over one finding; more than `maxCount` matches block. */
export const SecurityRule = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
  description: z.string().max(500),
  expression: z
    .string()
    .min(1)
    .max(2000)
    .describe('CEL over `finding` {id, rule, severity, kind, tool} and `environment`.'),
  maxCount: z.number().int().min(0).max(100_000),
});
export type SecurityRule = z.infer<typeof SecurityRule>;

export const SecurityPolicyVersioned = defineEvent(
  'SecurityPolicyVersioned',
  z.strictObject({
    policyId: z.uuid(),
    name: z.string().min(1).max(100),
    version: z.number().int().min(1),
    rules: z.array(SecurityRule).min(1).max(100),
    reason: z.string().max(1000),
  }),
  'A new version of a security policy; each gate evaluation records the version it used.',
);
export const SecurityExceptionRequested = defineEvent(
  'SecurityExceptionRequested',
  z.strictObject({
    policyId: z.uuid(),
    exceptionId: z.uuid(),
    findingId: z.string().min(1).max(200),
    justification: z.string().min(1).max(2000),
    expiresAt: z.iso.datetime({ offset: true }),
    requestedBy: z.string(),
  }),
  'Someone asked for a time-boxed exception for one finding; it counts only once approved, and until expiry.',
);
export const SecurityExceptionApproved = defineEvent(
  'SecurityExceptionApproved',
  z.strictObject({ policyId: z.uuid(), exceptionId: z.uuid(), approvedBy: z.string(), reason: z.string().max(1000) }),
  'An approver (not the requester) approved the exception.',
);

/** The security policy aggregate's catalogue (stream `securityPolicy-<id>`, one per policy name). */
export const securityPolicyEvents = {
  SecurityPolicyVersioned,
  SecurityExceptionRequested,
  SecurityExceptionApproved,
} as const;

export const ReleaseAccepted = defineEvent(
  'ReleaseAccepted',
  z.strictObject({
    service: ServiceNameSchema,
    runId: z.uuid(),
    artifact: RunArtifact,
    metrics: LoadTestMetrics.describe('The new performance baseline of the service.'),
    reason: z.string().max(1000),
  }),
  'A succeeded run was accepted: its load-test results become the baseline and its artifact the rollback target.',
);
/** The performance baseline aggregate's catalogue (stream `performanceBaseline-<id>`, one per service). */
export const performanceBaselineEvents = { ReleaseAccepted } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type SecurityPolicyEvent = {
  [K in keyof typeof securityPolicyEvents]: { type: K; data: DataOf<(typeof securityPolicyEvents)[K]> };
}[keyof typeof securityPolicyEvents];
export type PerformanceBaselineEvent = { type: 'ReleaseAccepted'; data: DataOf<typeof ReleaseAccepted> };
