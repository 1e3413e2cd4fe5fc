import type { GateResult } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { Kysely } from 'kysely';
import { artifactGatesOf, type PipelineDb } from '../artifact-gates/artifact-gates.js';
import type { PipelinePolicies } from '../config.js';
import { evaluateArtifactGate } from '../gates/domain/artifact-gate.js';
import { evaluatePerformanceGate } from '../gates/domain/performance-gate.js';
import { evaluateSecurityGate, runFindings } from '../gates/domain/security-gate.js';
import { loadBaseline, loadPolicy } from '../gates/gate-commands.js';
import type { PromotionInputs } from './domain/run.decide.js';
import type { ActiveRun } from './domain/run.js';

/**
 * Everything a promotion into `environment` is decided on, gathered at `at`: the security gate over the run's
 * latest SAST and DAST findings (the policy's current version and the exceptions active at `at`), the performance
 * gate against the service's baseline where configured, the artifact gate (critical vulnerabilities, and the
 * signature where required) from the gate read model, the
 * strategy the run recorded and the rollback target (the last accepted release).
 */
/** What a promotion is decided on: the policy and baseline streams, the gate read model, the gate policies. */
export interface PromotionDeps {
  store: EventStore;
  db: Kysely<PipelineDb>;
  policies: Pick<PipelinePolicies, 'performance' | 'signatureRequiredIn'>;
}

export async function promotionInputs(
  deps: PromotionDeps,
  run: ActiveRun,
  environment: string,
  at: Date,
): Promise<PromotionInputs> {
  const gates: GateResult[] = [];
  const policy = await loadPolicy(deps.store, run.securityPolicy);
  const findings = runFindings(run.scans);
  gates.push(
    policy.exists
      ? evaluateSecurityGate(policy.current, findings, policy.exceptions, environment, at)
      : { gate: 'security', passed: false, rule: 'policy.exists', detail: `No security policy ${run.securityPolicy}.` },
  );
  const baseline = await loadBaseline(deps.store, run.service);
  const last = baseline.accepted.at(-1);
  if (deps.policies.performance.environments.includes(environment)) {
    gates.push(evaluatePerformanceGate(run.loadTest?.metrics, last?.metrics, deps.policies.performance.thresholds));
  }
  const known = await artifactGatesOf(deps.db, run.artifact.name, run.artifact.version);
  gates.push(evaluateArtifactGate(known, run.artifact.sha256, deps.policies.signatureRequiredIn.includes(environment)));
  const strategy = run.strategies.find((s) => s.environment === environment)?.strategy ?? {
    type: 'rolling',
    batchPercent: 25,
  };
  return { gates, strategy, rollbackTarget: last?.artifact ?? null };
}
