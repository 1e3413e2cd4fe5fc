import type { DataClassification, EnvironmentTier } from '@railyard/contracts';

/** What the data policy needs to know about a dataset. */
export interface DatasetPolicyView {
  name: string;
  classification: DataClassification;
  productionDerived: boolean;
  attestations: { attestationId: string; expiresAt: string }[];
}

export interface DataPolicyRefusal {
  dataset: string;
  classification: DataClassification;
  reason: 'no-attestation' | 'attestation-expired';
  /** The latest attestation's expiry, when there was one. */
  lastExpiredAt: string | null;
}

// Above `internal`: confidential and restricted production data must never reach a lower tier unmasked.
const NEEDS_MASKING: ReadonlySet<DataClassification> = new Set(['confidential', 'restricted']);

/** Whether loading this dataset into this tier needs a valid masking attestation (E3). */
export const needsMaskingAttestation = (
  tier: EnvironmentTier,
  d: Pick<DatasetPolicyView, 'classification' | 'productionDerived'>,
) => tier !== 'prod' && d.productionDerived && NEEDS_MASKING.has(d.classification);

/**
 * The data policy (E3), pure so a booking now and a deployment later (part 2) run the same rule: every
 * production-derived dataset above `internal` bound for a non-prod tier needs an attestation still valid at `at`.
 * Returns the refusals; none means allowed.
 */
export function checkDataPolicy(input: {
  tier: EnvironmentTier;
  datasets: readonly DatasetPolicyView[];
  at: Date;
}): DataPolicyRefusal[] {
  const refusals: DataPolicyRefusal[] = [];
  for (const d of input.datasets) {
    if (!needsMaskingAttestation(input.tier, d)) continue;
    if (d.attestations.some((a) => new Date(a.expiresAt).getTime() > input.at.getTime())) continue;
    const last =
      d.attestations
        .map((a) => a.expiresAt)
        .sort()
        .at(-1) ?? null;
    refusals.push({
      dataset: d.name,
      classification: d.classification,
      reason: last ? 'attestation-expired' : 'no-attestation',
      lastExpiredAt: last,
    });
  }
  return refusals;
}

/** A one-line reason for problem details and check answers. */
export const describeDataPolicyRefusals = (refusals: readonly DataPolicyRefusal[]): string =>
  refusals
    .map((r) =>
      r.reason === 'no-attestation'
        ? `dataset ${r.dataset} (${r.classification}, production-derived) has no masking attestation`
        : `the masking attestation of dataset ${r.dataset} expired at ${r.lastExpiredAt}`,
    )
    .join('; ');
