import type { ArtifactState } from './artifact.js';

/** Limits on findings by severity: more than the maximum fails the gate. */
export interface SeverityLimits {
  maxCritical: number;
  maxHigh: number;
}

/**
 * What a stage demands before an artifact is promoted to it (A3, A6). Absent parts are not checked; a present part
 * also requires the corresponding result to be attached at all (no scan is not a passing scan).
 */
export interface StagePolicy {
  staticAnalysis?: SeverityLimits;
  vulnerabilities?: SeverityLimits;
  /** A license scan must be attached and every component allowed by the policy. */
  licenses?: boolean;
  /** The artifact must carry a signature that verifies against the keyring. */
  signature?: boolean;
}

/** A failed gate rule, named so a client can show what to fix. */
export interface GateFailure {
  rule: string;
  detail: string;
}

/** The outcome of verifying each signature of the artifact (done outside the domain, against the key vault). */
export interface SignatureCheck {
  keyId: string;
  valid: boolean;
}

export interface GateOutcome {
  passed: string[];
  failed: GateFailure[];
}

function limits(
  outcome: GateOutcome,
  area: string,
  counts: { critical: number; high: number } | undefined,
  limit: SeverityLimits,
) {
  if (!counts) {
    outcome.failed.push({ rule: `${area}.present`, detail: `No ${area} result is attached.` });
    return;
  }
  outcome.passed.push(`${area}.present`);
  for (const [severity, max] of [
    ['critical', limit.maxCritical],
    ['high', limit.maxHigh],
  ] as const) {
    const found = counts[severity];
    if (found > max) {
      outcome.failed.push({ rule: `${area}.${severity}`, detail: `${found} ${severity} > ${max} allowed.` });
    } else {
      outcome.passed.push(`${area}.${severity}`);
    }
  }
}

/** Evaluates every rule of a stage policy against the artifact's attached results. Pure. */
export function evaluateGates(artifact: ArtifactState, policy: StagePolicy, checks: readonly SignatureCheck[]) {
  const outcome: GateOutcome = { passed: [], failed: [] };
  if (!artifact.exists) return outcome;
  if (policy.staticAnalysis) limits(outcome, 'static-analysis', artifact.staticAnalysis, policy.staticAnalysis);
  if (policy.vulnerabilities) limits(outcome, 'vulnerabilities', artifact.vulnerabilities, policy.vulnerabilities);
  if (policy.licenses) {
    if (!artifact.licenses) {
      outcome.failed.push({ rule: 'licenses.present', detail: 'No license scan is attached.' });
    } else {
      outcome.passed.push('licenses.present');
      const bad = artifact.licenses.filter((c) => c.verdict !== 'allowed' && c.verdict !== 'unasserted');
      // Components that declare no license at all are a separate finding: the fix is a declaration, not a policy.
      const unasserted = artifact.licenses.filter((c) => c.verdict === 'unasserted');
      const details = [
        ...(bad.length > 0
          ? [
              `Not allowed by the license policy: ${bad.map((c) => `${c.name} (${c.license}: ${c.verdict})`).join(', ')}.`,
            ]
          : []),
        ...(unasserted.length > 0
          ? [`No license declared (NOASSERTION): ${unasserted.map((c) => c.name).join(', ')}.`]
          : []),
      ];
      if (details.length > 0) {
        outcome.failed.push({ rule: 'licenses.allowed', detail: details.join(' ') });
      } else {
        outcome.passed.push('licenses.allowed');
      }
    }
  }
  if (policy.signature) {
    if (artifact.signatures.length === 0) {
      outcome.failed.push({ rule: 'signature.present', detail: 'The artifact is not signed.' });
    } else {
      outcome.passed.push('signature.present');
      const valid = artifact.signatures.some((s) => checks.some((c) => c.keyId === s.keyId && c.valid));
      if (valid) outcome.passed.push('signature.valid');
      else outcome.failed.push({ rule: 'signature.valid', detail: 'No signature verifies against the keyring.' });
    }
  }
  return outcome;
}
