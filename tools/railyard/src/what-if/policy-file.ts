import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  DomainError,
  RiskPolicyRules,
  type SecurityRule,
  SecurityRule as SecurityRuleSchema,
} from '@railyard/contracts';
import { securityPolicyDecider } from '@railyard/pipeline/aggregates';
import { riskPolicyDecider } from '@railyard/planning/aggregates';
import { UsageError } from '../io.js';

/** A proposed policy version, as a reviewer writes it in a file. */
export type ProposedPolicy =
  | { kind: 'cab-risk'; policyId?: string; rules: RiskPolicyRules }
  | { kind: 'security'; policy?: string; rules: SecurityRule[] };

/** The file's shape, checked with the contracts' own schemas of risk rules and security rules. */
function parsePolicyFile(raw: unknown): ProposedPolicy | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object';
  const { kind, rules, policyId, policy, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `unknown field ${extra.join(', ')}`;
  const issues = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
    error.issues.map((i) => `rules.${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  if (kind === 'cab-risk') {
    if (policy !== undefined) return 'policy belongs to security policies; a cab-risk file names a policyId';
    if (policyId !== undefined && (typeof policyId !== 'string' || !UUID.test(policyId)))
      return 'policyId is not a uuid';
    const parsed = RiskPolicyRules.safeParse(rules);
    if (!parsed.success) return issues(parsed.error);
    return { kind, rules: parsed.data, ...(policyId ? { policyId: policyId as string } : {}) };
  }
  if (kind === 'security') {
    if (policyId !== undefined) return 'policyId belongs to cab-risk policies; a security file names a policy';
    if (policy !== undefined && (typeof policy !== 'string' || policy.length === 0)) return 'policy is not a name';
    if (!Array.isArray(rules) || rules.length === 0) return 'rules must be a non-empty array of security rules';
    const parsed: SecurityRule[] = [];
    for (const [i, rule] of rules.entries()) {
      const one = SecurityRuleSchema.safeParse(rule);
      if (!one.success) return issues({ issues: one.error.issues.map((x) => ({ ...x, path: [i, ...x.path] })) });
      parsed.push(one.data);
    }
    return { kind, rules: parsed, ...(policy ? { policy: policy as string } : {}) };
  }
  return 'kind must be "cab-risk" or "security"';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const proposer = { id: 'railyard-what-if', kind: 'system' as const, roles: [] };

/**
 * Reads and checks a proposed policy: its shape, then the owning service's own decider on a blank policy (the
 * validation a publication would run: levels and quorums for risk, CEL expressions for security), so a what-if never
 * replays a policy the service would refuse. The decider's events are discarded: nothing is appended.
 */
export async function readProposedPolicy(path: string): Promise<ProposedPolicy> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--policy ${path}: ${(error as Error).message}`);
  }
  const policy = parsePolicyFile(raw);
  if (typeof policy === 'string')
    throw new UsageError(`--policy ${path} is not a cab-risk or security policy: ${policy}`);
  const at = new Date();
  try {
    if (policy.kind === 'cab-risk') {
      const [, published] = riskPolicyDecider.decide(
        {
          type: 'CreateRiskPolicy',
          actor: proposer,
          at,
          policyId: randomUUID(),
          name: 'proposed',
          rules: policy.rules,
        },
        riskPolicyDecider.initialState,
      );
      // The rules as the service would publish them (levels in order of their minimum score).
      const rules = (published?.data as { rules?: RiskPolicyRules } | undefined)?.rules;
      if (!rules) throw new TypeError('the risk policy decider published no version');
      return { ...policy, rules };
    }
    securityPolicyDecider.decide(
      { type: 'VersionPolicy', actor: proposer, at, policyId: randomUUID(), name: 'proposed', rules: policy.rules },
      securityPolicyDecider.initialState,
    );
    return policy;
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(`--policy ${path}: ${error.message}`);
    throw error;
  }
}
