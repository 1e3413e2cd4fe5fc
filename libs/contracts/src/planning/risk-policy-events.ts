import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** What a risk factor measures on a release when it is submitted to the CAB (P3). */
export const RiskFactor = z.enum([
  'scopeSize', // accepted scope items
  'criticalServices', // accepted items touching a high-criticality service
  'complianceFlags', // compliance requirements attached
  'openDependencies', // dependencies not ready
  'exceptionsGranted', // freeze exceptions approved
  'rollbackReadiness', // services in scope without rollback criteria (+1 when the release has none)
  'blastRadius', // distinct teams the release touches: scope teams and both ends of its dependencies
  'overdueRollbackDrills', // services in scope whose rollback drill governance declared overdue (G6/R2)
]);
export type RiskFactor = z.infer<typeof RiskFactor>;
export const RiskLevel = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const RiskPolicyRules = z.strictObject({
  factors: z
    .array(
      z.strictObject({
        factor: RiskFactor,
        weight: z.number().min(0).max(100),
        cap: z.number().int().positive().max(1000).optional().describe('The measure counts up to this value.'),
      }),
    )
    .min(1)
    .max(RiskFactor.options.length),
  levels: z
    .array(z.strictObject({ level: RiskLevel, minScore: z.number().min(0), quorum: z.number().int().min(1).max(20) }))
    .min(1)
    .max(RiskLevel.options.length),
});
export type RiskPolicyRules = z.infer<typeof RiskPolicyRules>;

export const RiskPolicyCreated = defineEvent(
  'RiskPolicyCreated',
  z.strictObject({ policyId: z.uuid(), name: z.string().min(1).max(200), createdBy: z.string().min(1).max(200) }),
  'A CAB risk policy was created; its rules come in versions.',
);

export const RiskPolicyVersionPublished = defineEvent(
  'RiskPolicyVersionPublished',
  z.strictObject({
    policyId: z.uuid(),
    version: z.number().int().positive(),
    rules: RiskPolicyRules,
    publishedBy: z.string().min(1).max(200),
  }),
  'A new version of a risk policy: factor weights and the levels (minimum score, CAB quorum). Earlier versions stay.',
);

/** The risk policy aggregate's catalogue (`riskPolicy-<id>`). */
export const riskPolicyEvents = { RiskPolicyCreated, RiskPolicyVersionPublished } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
/** The risk policy's events as a discriminated union of `{ type, data }`. */
export type RiskPolicyEvent = {
  [K in keyof typeof riskPolicyEvents]: { type: K; data: DataOf<(typeof riskPolicyEvents)[K]> };
}[keyof typeof riskPolicyEvents];
