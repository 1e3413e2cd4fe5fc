import type { GateResult } from '@railyard/contracts';

/** What this service learnt about an artifact from the artifact service's events (its read model row). */
export interface KnownArtifact {
  sha256: string;
  signed: boolean;
  vulnerabilities: { critical: number; high: number } | null;
}

/**
 * The artifact gate at a promotion: the digest must be the one the run pinned, a critical vulnerability reported
 * by the artifact service blocks everywhere, and where required the digest must be signed.
 */
export function evaluateArtifactGate(
  known: KnownArtifact | undefined,
  sha256: string,
  signatureRequired: boolean,
): GateResult {
  if (!known || known.sha256 !== sha256) {
    return { gate: 'artifact', passed: false, rule: 'artifact.known', detail: 'No artifact event names this digest.' };
  }
  const critical = known.vulnerabilities?.critical ?? 0;
  if (critical > 0) {
    return {
      gate: 'artifact',
      passed: false,
      rule: 'vulnerabilities.critical',
      detail: `The artifact service recorded ${critical} critical vulnerabilit${critical === 1 ? 'y' : 'ies'}.`,
    };
  }
  if (signatureRequired && !known.signed) {
    return {
      gate: 'artifact',
      passed: false,
      rule: 'signature.required',
      detail: 'No signature of this digest is known.',
    };
  }
  return {
    gate: 'artifact',
    passed: true,
    rule: signatureRequired ? 'signature.required' : 'vulnerabilities.critical',
    detail: signatureRequired
      ? 'Signed, and no critical vulnerability recorded.'
      : 'No critical vulnerability recorded.',
  };
}
