import {
  GovernanceErrorCodes as Codes,
  type DeploymentPolicyDocument,
  type DeploymentPolicyEvent,
  type EnvironmentTier,
  invalid,
  notFound,
  type PolicyReason,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import diff from 'microdiff';

export interface PolicyVersion {
  version: number;
  document: DeploymentPolicyDocument;
  reason: PolicyReason;
  publishedBy: string;
  publishedAt: string;
}

/** Every version of one policy, oldest first; the last one is in force. */
export interface PolicyState {
  policyName: string | null;
  versions: PolicyVersion[];
}

export type PolicyCommand =
  | {
      type: 'PublishPolicyVersion';
      policyName: string;
      document: DeploymentPolicyDocument;
      reason: PolicyReason;
      /** The version the author edited; a newer one in force makes the publication stale. Undefined: no check. */
      baseVersion?: number;
      actor: string;
      at: Date;
    }
  | {
      /** A retrospective item adopted as a pre-deployment check: the version in force plus the check on these tiers. */
      type: 'RequireCheck';
      policyName: string;
      tiers: EnvironmentTier[];
      check: string;
      reason: PolicyReason;
      actor: string;
      at: Date;
    };

export const currentVersion = (s: PolicyState): PolicyVersion | undefined => s.versions.at(-1);

function publish(s: PolicyState, c: Omit<Extract<PolicyCommand, { type: 'PublishPolicyVersion' }>, 'type'>) {
  const current = currentVersion(s);
  if (c.baseVersion !== undefined && c.baseVersion !== (current?.version ?? 0)) {
    throw ruleViolated(
      Codes.POLICY_VERSION_STALE,
      `The policy was edited from version ${c.baseVersion}, but version ${current?.version ?? 0} is in force.`,
      { baseVersion: c.baseVersion, currentVersion: current?.version ?? 0 },
    );
  }
  // A retrospective action changes the policy once; a second version citing it would be a duplicate adoption.
  if (
    c.reason.kind === 'retrospective-action' &&
    s.versions.some((v) => v.reason.kind === 'retrospective-action' && v.reason.ref === c.reason.ref)
  ) {
    throw ruleViolated(Codes.POLICY_REASON_ALREADY_APPLIED, `Retrospective item ${c.reason.ref} already changed it.`);
  }
  // A version is a change with a reason: an identical document would govern nothing differently.
  if (current && diff(current.document, c.document).length === 0) {
    throw ruleViolated(Codes.POLICY_UNCHANGED, `The document equals version ${current.version}.`);
  }
  return [
    {
      type: 'DeploymentPolicyPublished' as const,
      data: {
        policyName: c.policyName,
        version: (current?.version ?? 0) + 1,
        document: c.document,
        reason: c.reason,
        publishedBy: c.actor,
        publishedAt: c.at.toISOString(),
      },
    },
  ];
}

/** G3: a deployment policy's versions. Each publication is the whole document, numbered, with its reason. */
export const policyDecider: Decider<PolicyCommand, DeploymentPolicyEvent, PolicyState> = {
  initialState: { policyName: null, versions: [] },
  evolve(s, e) {
    const { policyName, version, document, reason, publishedBy, publishedAt } = e.data;
    return { policyName, versions: [...s.versions, { version, document, reason, publishedBy, publishedAt }] };
  },
  decide(c, s) {
    if (c.type === 'PublishPolicyVersion') return publish(s, c);
    const current = currentVersion(s);
    if (!current) throw notFound(Codes.POLICY_NOT_FOUND, `No policy named ${c.policyName}.`);
    const missing = c.tiers.filter((t) => !current.document.tiers[t]);
    if (missing.length > 0) {
      throw invalid(
        Codes.POLICY_TIER_NOT_COVERED,
        `Version ${current.version} has no rules for ${missing.join(', ')}.`,
        {
          tiers: missing,
        },
      );
    }
    const tiers = { ...current.document.tiers };
    for (const t of c.tiers) {
      const rules = tiers[t]!;
      if (!rules.requiredChecks.includes(c.check)) {
        tiers[t] = { ...rules, requiredChecks: [...rules.requiredChecks, c.check] };
      }
    }
    return publish(s, {
      policyName: c.policyName,
      document: { ...current.document, tiers },
      reason: c.reason,
      actor: c.actor,
      at: c.at,
    });
  },
};
