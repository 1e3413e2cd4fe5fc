import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentTier } from '../orchestration/names.js';
import { streamName } from '../streams.js';

/**
 * Deployment policies (G3): `deploymentPolicy-<name>`, owned by governance. Each `DeploymentPolicyPublished` is a new
 * version (1, 2, …) holding the whole document, never a patch, so any version can be read (and diffed) on its own.
 * Every version names its reason: an audit finding, a regulation, a threat, or a retrospective action.
 */

export const PolicyName = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,63}$/, 'letters and digits, starting with a lowercase letter (no dash)')
  .describe('The policy name, e.g. `standard`; it is the id of the stream `deploymentPolicy-<name>`.');

export const CheckSlug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lowercase slug (letters, digits, dashes)')
  .describe('A pre-deployment check, e.g. `migration-rehearsal`, `load-test`, `config-validation`.');

export const PolicyStrategy = z.enum(['canary', 'blue-green', 'rolling']);

const uniq = <T>(values: readonly T[]) => new Set(values).size === values.length;

export const TierPolicy = z.strictObject({
  requiredApprovals: z.number().int().min(0).max(20),
  allowedStrategies: z
    .array(PolicyStrategy)
    .min(1)
    .refine(uniq, 'each strategy once')
    .describe('The rollout strategies a deployment to this tier may use.'),
  requiredChecks: z.array(CheckSlug).max(100).refine(uniq, 'each check once'),
});

export const FreezeRule = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    tiers: z.array(EnvironmentTier).min(1).refine(uniq, 'each tier once'),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1).max(2000),
  })
  .refine((r) => Date.parse(r.to) > Date.parse(r.from), { message: 'to must be after from', path: ['to'] });

export const DeploymentPolicyDocument = z.strictObject({
  tiers: z
    .partialRecord(EnvironmentTier, TierPolicy)
    .refine((t) => Object.keys(t).length > 0, 'at least one tier')
    .describe('Per environment tier: approvals, strategies and checks.'),
  freezeRules: z.array(FreezeRule).max(200),
});
export type DeploymentPolicyDocument = z.infer<typeof DeploymentPolicyDocument>;

export const PolicyReasonKind = z.enum(['audit-finding', 'regulation', 'threat', 'retrospective-action']);
export const PolicyReason = z.strictObject({
  kind: PolicyReasonKind,
  ref: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .describe('The source: a finding id, a regulation clause, a threat id, or `<retrospectiveId>/<itemId>`.'),
  description: z.string().trim().min(1).max(2000),
});
export type PolicyReason = z.infer<typeof PolicyReason>;

export const DeploymentPolicyPublished = defineEvent(
  'DeploymentPolicyPublished',
  z.strictObject({
    policyName: PolicyName,
    version: z.number().int().min(1),
    document: DeploymentPolicyDocument,
    reason: PolicyReason,
    publishedBy: z.string().min(1).max(200),
    publishedAt: z.iso.datetime({ offset: true }),
  }),
  'A new version of a deployment policy came into force, with the reason it changed (its source).',
);

export const deploymentPolicyEvents = { DeploymentPolicyPublished } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type DeploymentPolicyEvent = {
  type: 'DeploymentPolicyPublished';
  data: DataOf<typeof DeploymentPolicyPublished>;
};

/** `deploymentPolicy-<name>`. */
export const deploymentPolicyStream = (name: string) => streamName('deploymentPolicy', name);
