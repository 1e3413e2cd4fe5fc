import { type Actor, FlagErrorCodes } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import type { FlagEntry } from './flag-set.js';
import { segmentDecider } from './segment.js';

const dev: Actor = { id: 'dev-ines', kind: 'user', roles: ['developer'] };
const at = new Date('2026-12-02T10:00:00Z');
const beta = { in: ['@beta.example', { var: 'email' }] };
const betaV2 = { ends_with: [{ var: 'email' }, '@beta.example'] };
const usesBeta: FlagEntry = {
  definition: {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: { if: [{ $ref: 'beta' }, 'on', 'off'] },
  },
  offVariant: 'off',
  killed: false,
};
const plain: FlagEntry = { ...usesBeta, definition: { ...usesBeta.definition, targeting: undefined } };
const segment = spec(segmentDecider);
const put = {
  type: 'PutSegment' as const,
  actor: dev,
  at,
  name: 'beta',
  reason: 'testers',
  dependents: {},
  segments: {},
};
const defined = {
  type: 'SegmentDefined' as const,
  data: { name: 'beta', rule: beta, reason: 'testers', definedBy: dev.id },
};

describe('segments', () => {
  it('defines a segment', () => {
    segment.when({ ...put, rule: beta }).then([defined]);
  });
  it('refuses a rule flagd cannot parse, and a segment that refers to another', () => {
    segment.when({ ...put, rule: { nope: [1] } }).thenThrows(FlagErrorCodes.SEGMENT_INVALID);
    segment.when({ ...put, rule: { $ref: 'other' } }).thenThrows(FlagErrorCodes.SEGMENT_INVALID);
  });
  it('records which flags a change affects', () => {
    segment
      .given([defined])
      .when({ ...put, rule: betaV2, dependents: { checkout: usesBeta, search: usesBeta, other: plain } })
      .then([
        {
          type: 'SegmentChanged',
          data: {
            name: 'beta',
            rule: betaV2,
            reason: 'testers',
            changedBy: dev.id,
            affectedFlags: ['checkout', 'search'],
          },
        },
      ]);
  });
  it('refuses a change to the same rule', () => {
    segment
      .given([defined])
      .when({ ...put, rule: beta })
      .thenThrows(FlagErrorCodes.SEGMENT_UNCHANGED);
  });
  it('refuses the same compound rule again, compared by structure (a valid rule has only one-key objects, so jsonb cannot reorder it)', () => {
    const stored = { ...defined, data: { ...defined.data, rule: { or: [{ '==': [{ var: 'tier' }, 'gold'] }, beta] } } };
    segment
      .given([stored])
      .when({
        ...put,
        rule: { or: [{ '==': [{ var: 'tier' }, 'gold'] }, { in: ['@beta.example', { var: 'email' }] }] },
      })
      .thenThrows(FlagErrorCodes.SEGMENT_UNCHANGED);
  });
});
