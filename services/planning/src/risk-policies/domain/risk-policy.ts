import {
  type Actor,
  invalid,
  notFound,
  PlanningErrorCodes,
  type RiskPolicyEvent,
  type RiskPolicyRules,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

/** A CAB risk policy held as data (P3): every published version stays, so a decision can name the one it used. */
export interface RiskPolicy {
  exists: true;
  id: string;
  name: string;
  versions: { version: number; rules: RiskPolicyRules; publishedBy: string }[];
}
export type RiskPolicyState = { exists: false } | RiskPolicy;

interface Issued {
  actor: Actor;
  at: Date;
}
export type CreateRiskPolicy = Issued & {
  type: 'CreateRiskPolicy';
  policyId: string;
  name: string;
  rules: RiskPolicyRules;
};
export type PublishRiskPolicyVersion = Issued & { type: 'PublishRiskPolicyVersion'; rules: RiskPolicyRules };
export type RiskPolicyCommand = CreateRiskPolicy | PublishRiskPolicyVersion;

export function evolveRiskPolicy(state: RiskPolicyState, event: RiskPolicyEvent): RiskPolicyState {
  switch (event.type) {
    case 'RiskPolicyCreated':
      return { exists: true, id: event.data.policyId, name: event.data.name, versions: [] };
    case 'RiskPolicyVersionPublished':
      if (!state.exists) return state;
      return {
        ...state,
        versions: [
          ...state.versions,
          { version: event.data.version, rules: event.data.rules, publishedBy: event.data.publishedBy },
        ],
      };
  }
}

/** Rules that score every release: each factor once, each level once at a distinct minimum, one level from 0. */
function validate(rules: RiskPolicyRules): RiskPolicyRules {
  const problems: string[] = [];
  const factors = rules.factors.map((f) => f.factor);
  if (new Set(factors).size !== factors.length) problems.push('a factor is listed twice');
  const levels = [...rules.levels].sort((a, b) => a.minScore - b.minScore);
  if (new Set(levels.map((l) => l.level)).size !== levels.length) problems.push('a level is listed twice');
  if (new Set(levels.map((l) => l.minScore)).size !== levels.length) problems.push('two levels share a minScore');
  if (levels[0]?.minScore !== 0) problems.push('the lowest level must start at minScore 0');
  if (levels.some((l, i) => i > 0 && l.quorum < levels[i - 1]!.quorum)) {
    problems.push('a riskier level cannot need a smaller quorum');
  }
  if (problems.length > 0) {
    throw invalid(PlanningErrorCodes.RISK_POLICY_INVALID, `The risk policy is invalid: ${problems.join('; ')}.`, {
      problems,
    });
  }
  return { factors: rules.factors, levels };
}

/** The latest version, which new CAB submissions use. */
export function currentVersion(state: RiskPolicyState): RiskPolicy['versions'][number] {
  if (!state.exists) throw notFound(PlanningErrorCodes.RISK_POLICY_NOT_FOUND, 'No risk policy with this id.');
  const latest = state.versions.at(-1);
  if (!latest) throw ruleViolated(PlanningErrorCodes.RISK_POLICY_NO_VERSION, 'The risk policy has no version yet.');
  return latest;
}

export const riskPolicyDecider: Decider<RiskPolicyCommand, RiskPolicyEvent, RiskPolicyState> = {
  initialState: { exists: false },
  evolve: evolveRiskPolicy,
  decide(command, state) {
    switch (command.type) {
      case 'CreateRiskPolicy':
        if (state.exists) throw ruleViolated(PlanningErrorCodes.RISK_POLICY_EXISTS, 'This risk policy exists.');
        return [
          {
            type: 'RiskPolicyCreated',
            data: { policyId: command.policyId, name: command.name, createdBy: command.actor.id },
          },
          {
            type: 'RiskPolicyVersionPublished',
            data: {
              policyId: command.policyId,
              version: 1,
              rules: validate(command.rules),
              publishedBy: command.actor.id,
            },
          },
        ];
      case 'PublishRiskPolicyVersion': {
        if (!state.exists) throw notFound(PlanningErrorCodes.RISK_POLICY_NOT_FOUND, 'No risk policy with this id.');
        return [
          {
            type: 'RiskPolicyVersionPublished',
            data: {
              policyId: state.id,
              version: state.versions.length + 1,
              rules: validate(command.rules),
              publishedBy: command.actor.id,
            },
          },
        ];
      }
    }
  },
};
