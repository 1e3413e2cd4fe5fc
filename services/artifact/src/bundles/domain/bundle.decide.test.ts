import { ArtifactErrorCodes, type BundleEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { bundleDecider, type CreateBundle } from './bundle.decide.js';

const actor = { id: 'rm', kind: 'user' as const, roles: ['release-manager'] };
const at = new Date('2026-11-26T10:00:00Z');
const bundleId = '0193a5b0-0000-7000-8000-0000000000cc';
const api = { name: 'payments-api', version: '2.3.1', sha256: 'a'.repeat(64), repository: 'git@example/payments' };
const web = { name: 'checkout-web', version: '5.0.0', sha256: 'b'.repeat(64) };
const create = (over: Partial<CreateBundle> = {}): CreateBundle => ({
  type: 'CreateBundle',
  actor,
  at,
  bundleId,
  name: 'checkout',
  version: '2026.11.0',
  artifacts: [api, web],
  constraints: [{ from: 'checkout-web', to: 'payments-api', range: '^2.1.0' }],
  ...over,
});
const created: BundleEvent = {
  type: 'BundleCreated',
  data: {
    bundleId,
    name: 'checkout',
    version: '2026.11.0',
    artifacts: [api, web],
    constraints: [{ from: 'checkout-web', to: 'payments-api', range: '^2.1.0' }],
  },
};

describe('bundle decider', () => {
  describe('when the bundle does not exist', () => {
    it('creates a bundle whose constraints are satisfied', () => {
      spec(bundleDecider).when(create()).then([created]);
    });
    it('refuses an unsatisfiable constraint, naming it', () => {
      const error = spec(bundleDecider)
        .when(create({ constraints: [{ from: 'checkout-web', to: 'payments-api', range: '>=3.0.0' }] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_CONSTRAINT_UNSATISFIED);
      expect(error.details?.violations).toEqual([
        {
          from: 'checkout-web',
          to: 'payments-api',
          range: '>=3.0.0',
          problem: 'payments-api@2.3.1 does not satisfy >=3.0.0',
        },
      ]);
    });
    it('refuses a constraint on an artifact outside the bundle', () => {
      spec(bundleDecider)
        .when(create({ constraints: [{ from: 'checkout-web', to: 'ledger', range: '^1.0.0' }] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_CONSTRAINT_UNSATISFIED);
    });
    it('refuses a range that is not SemVer', () => {
      spec(bundleDecider)
        .when(create({ constraints: [{ from: 'checkout-web', to: 'payments-api', range: 'newest please' }] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_RANGE_INVALID);
    });
    it('refuses unregistered pins, duplicates and a bad composite version', () => {
      spec(bundleDecider)
        .when(create({ artifacts: [api, { ...web, sha256: undefined }] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_MEMBER_UNKNOWN);
      spec(bundleDecider)
        .when(create({ artifacts: [api, api] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_MEMBER_DUPLICATE);
      spec(bundleDecider)
        .when(create({ version: '2026.11' }))
        .thenThrows(ArtifactErrorCodes.VERSION_INVALID);
    });
  });
  describe('when it exists', () => {
    it('is idempotent for the same pins and refuses other pins (immutable)', () => {
      spec(bundleDecider).given([created]).when(create()).thenNothing();
      spec(bundleDecider)
        .given([created])
        .when(create({ artifacts: [{ ...api, sha256: 'c'.repeat(64) }, web] }))
        .thenThrows(ArtifactErrorCodes.BUNDLE_EXISTS);
    });
  });
});
