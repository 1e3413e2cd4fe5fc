import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { checkDataPolicy, type DatasetPolicyView } from './data-policy.js';
import { datasetDecider } from './dataset.decide.js';

const at = new Date('2026-12-01T09:00:00Z');
const registered = {
  type: 'DatasetRegistered' as const,
  data: { name: 'orders', classification: 'restricted' as const, productionDerived: true, registeredBy: 'sre' },
};
const attest = {
  type: 'RecordMaskingAttestation' as const,
  attestationId: '0193a000-0000-7000-8000-000000000001',
  tool: 'masker 2.1',
  ruleSetVersion: 'v7',
  maskedOutputSha256: 'c'.repeat(64),
  expiresAt: new Date('2026-12-31T00:00:00Z'),
  actor: 'sre',
  at,
};

describe('dataset decider', () => {
  it('registers a dataset once', () => {
    const cmd = {
      type: 'RegisterDataset' as const,
      name: 'orders',
      classification: 'restricted' as const,
      productionDerived: true,
      actor: 'sre',
    };
    spec(datasetDecider).when(cmd).then([registered]);
    spec(datasetDecider).given([registered]).when(cmd).thenThrows('ORCHESTRATION_DATASET_EXISTS');
  });
  it('records an attestation with tool, rule-set version, digest and expiry', () => {
    spec(datasetDecider)
      .given([registered])
      .when(attest)
      .then([
        {
          type: 'MaskingAttestationRecorded',
          data: {
            name: 'orders',
            attestationId: attest.attestationId,
            tool: 'masker 2.1',
            ruleSetVersion: 'v7',
            maskedOutputSha256: 'c'.repeat(64),
            attestedAt: at.toISOString(),
            expiresAt: '2026-12-31T00:00:00.000Z',
            attestedBy: 'sre',
          },
        },
      ]);
  });
  it('refuses an attestation already expired, and one for an unknown dataset', () => {
    spec(datasetDecider)
      .given([registered])
      .when({ ...attest, expiresAt: at })
      .thenThrows('ORCHESTRATION_ATTESTATION_ALREADY_EXPIRED');
    spec(datasetDecider).when(attest).thenThrows('ORCHESTRATION_DATASET_NOT_FOUND');
  });
});

describe('checkDataPolicy (E3)', () => {
  const d = (over: Partial<DatasetPolicyView>): DatasetPolicyView => ({
    name: 'x',
    classification: 'restricted',
    productionDerived: true,
    attestations: [],
    ...over,
  });
  it('needs an attestation only for production-derived data above internal in a non-prod tier', () => {
    expect(checkDataPolicy({ tier: 'staging', datasets: [d({})], at })).toHaveLength(1);
    expect(checkDataPolicy({ tier: 'staging', datasets: [d({ classification: 'confidential' })], at })).toHaveLength(1);
    expect(checkDataPolicy({ tier: 'staging', datasets: [d({ classification: 'internal' })], at })).toEqual([]);
    expect(checkDataPolicy({ tier: 'staging', datasets: [d({ productionDerived: false })], at })).toEqual([]);
    expect(checkDataPolicy({ tier: 'prod', datasets: [d({})], at })).toEqual([]);
  });
  it('accepts an attestation valid at the instant and names an expired one', () => {
    const valid = d({ attestations: [{ attestationId: 'a', expiresAt: '2026-12-01T09:00:01.000Z' }] });
    expect(checkDataPolicy({ tier: 'dev', datasets: [valid], at })).toEqual([]);
    const expired = d({ attestations: [{ attestationId: 'a', expiresAt: '2026-12-01T09:00:00.000Z' }] });
    expect(checkDataPolicy({ tier: 'dev', datasets: [expired], at })).toEqual([
      {
        dataset: 'x',
        classification: 'restricted',
        reason: 'attestation-expired',
        lastExpiredAt: '2026-12-01T09:00:00.000Z',
      },
    ]);
  });
});
