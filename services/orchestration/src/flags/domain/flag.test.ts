import { type Actor, type FlagDefinition, FlagErrorCodes, type FlagEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { flagDecider } from './flag.js';

const dev: Actor = { id: 'dev-ines', kind: 'user', roles: ['developer'] };
const at = new Date('2026-12-02T10:00:00Z');
const checkout: FlagDefinition = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, 'on', null] },
};
const defined: FlagEvent = {
  type: 'FlagDefined',
  data: { key: 'new-checkout', definition: checkout, offVariant: 'off', reason: 'first cut', definedBy: dev.id },
};
const flag = spec(flagDecider);
const issued = { actor: dev, at, reason: 'because' };

describe('feature flags (O4)', () => {
  describe('when the flag does not exist', () => {
    it('defines it, the kill switch serving the false variant by default', () => {
      flag
        .when({ type: 'DefineFlag', ...issued, reason: 'first cut', key: 'new-checkout', definition: checkout })
        .then([defined]);
    });
    it('refuses a default variant that names no variant', () => {
      const definition = { ...checkout, defaultVariant: 'maybe' };
      const error = flag
        .when({ type: 'DefineFlag', ...issued, key: 'k', definition })
        .thenThrows(FlagErrorCodes.FLAG_INVALID);
      expect(error.details?.problems).toContain('defaultVariant "maybe" names no variant');
    });
    it('refuses fractional weights that are not non-negative integers', () => {
      for (const weight of [1.5, -1, '50']) {
        const definition = {
          ...checkout,
          targeting: {
            fractional: [
              ['on', weight],
              ['off', 50],
            ],
          },
        } as FlagDefinition;
        flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition }).thenThrows(FlagErrorCodes.FLAG_INVALID);
      }
    });
    it('refuses targeting flagd cannot parse (an unknown operator)', () => {
      const definition = { ...checkout, targeting: { no_such_operator: [1, 2] } };
      flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition }).thenThrows(FlagErrorCodes.FLAG_INVALID);
    });
    it('refuses variants of mixed types (flagd flags have one type)', () => {
      const definition = { state: 'ENABLED', variants: { a: true, b: 'b' }, defaultVariant: 'a' } as FlagDefinition;
      flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition }).thenThrows(FlagErrorCodes.FLAG_INVALID);
    });
    it('refuses a reference to a segment that does not exist, and accepts it once it does', () => {
      const definition = { ...checkout, targeting: { if: [{ $ref: 'beta' }, 'on', 'off'] } };
      flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition }).thenThrows(FlagErrorCodes.FLAG_INVALID);
      const segments = { beta: { in: ['@beta.example', { var: 'email' }] } };
      flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition, segments }).then([
        {
          type: 'FlagDefined',
          data: { key: 'k', definition, offVariant: 'off', reason: 'because', definedBy: dev.id },
        },
      ]);
    });
    it('accepts sem_ver, starts_with and fractional with a bucketing expression', () => {
      const definition: FlagDefinition = {
        state: 'ENABLED',
        variants: { a: 'a', b: 'b' },
        defaultVariant: 'a',
        targeting: {
          if: [
            { sem_ver: [{ var: 'appVersion' }, '>=', '2.0.0'] },
            { fractional: [{ var: 'email' }, ['a', 1], ['b', 1]] },
            { if: [{ starts_with: [{ var: 'region' }, 'eu-'] }, 'b', null] },
          ],
        },
      };
      flag.when({ type: 'DefineFlag', ...issued, key: 'k', definition }).then([
        {
          type: 'FlagDefined',
          data: { key: 'k', definition, offVariant: 'a', reason: 'because', definedBy: dev.id },
        },
      ]);
    });
    it('has nothing to change, kill or restore', () => {
      flag.when({ type: 'KillFlag', ...issued }).thenThrows(FlagErrorCodes.FLAG_NOT_FOUND);
      flag.when({ type: 'ChangeFlagState', ...issued, state: 'DISABLED' }).thenThrows(FlagErrorCodes.FLAG_NOT_FOUND);
    });
  });

  describe('when the flag exists', () => {
    it('refuses to define it twice', () => {
      flag
        .given([defined])
        .when({ type: 'DefineFlag', ...issued, key: 'new-checkout', definition: checkout })
        .thenThrows(FlagErrorCodes.FLAG_EXISTS);
    });
    it('changes the targeting, and removes it with null', () => {
      const targeting = {
        fractional: [
          ['on', 10],
          ['off', 90],
        ],
      };
      flag
        .given([defined])
        .when({ type: 'ChangeFlagTargeting', ...issued, targeting })
        .then([
          {
            type: 'FlagTargetingChanged',
            data: { key: 'new-checkout', targeting, reason: 'because', changedBy: dev.id },
          },
        ]);
      const cleared = flag
        .given([
          defined,
          {
            type: 'FlagTargetingChanged',
            data: { key: 'new-checkout', targeting: null, reason: 'r', changedBy: dev.id },
          },
        ])
        .when({ type: 'KillFlag', ...issued });
      expect(cleared.state).toMatchObject({ definition: { state: 'ENABLED', defaultVariant: 'off' } });
      expect((cleared.state as { definition: FlagDefinition }).definition.targeting).toBeUndefined();
    });
    it('refuses a change that changes nothing', () => {
      flag
        .given([defined])
        .when({ type: 'ChangeFlagTargeting', ...issued, targeting: checkout.targeting! })
        .thenThrows(FlagErrorCodes.FLAG_UNCHANGED);
      flag
        .given([defined])
        .when({ type: 'ChangeFlagState', ...issued, state: 'ENABLED' })
        .thenThrows(FlagErrorCodes.FLAG_UNCHANGED);
    });
    it('refuses variants that the targeting still names', () => {
      flag
        .given([defined])
        .when({ type: 'ChangeFlagVariants', ...issued, variants: { yes: true, no: false }, defaultVariant: 'no' })
        .thenThrows(FlagErrorCodes.FLAG_INVALID);
    });
    it('disables it', () => {
      flag
        .given([defined])
        .when({ type: 'ChangeFlagState', ...issued, state: 'DISABLED' })
        .then([
          {
            type: 'FlagStateChanged',
            data: { key: 'new-checkout', state: 'DISABLED', reason: 'because', changedBy: dev.id },
          },
        ]);
    });
    it('kills it with its off variant, once, and restores it', () => {
      const killed: FlagEvent = {
        type: 'FlagKilled',
        data: { key: 'new-checkout', offVariant: 'off', reason: 'because', killedBy: dev.id },
      };
      flag
        .given([defined])
        .when({ type: 'KillFlag', ...issued })
        .then([killed]);
      flag
        .given([defined, killed])
        .when({ type: 'KillFlag', ...issued })
        .thenThrows(FlagErrorCodes.FLAG_ALREADY_KILLED);
      flag
        .given([defined, killed])
        .when({ type: 'RestoreFlag', ...issued })
        .then([{ type: 'FlagRestored', data: { key: 'new-checkout', reason: 'because', restoredBy: dev.id } }]);
      flag
        .given([defined])
        .when({ type: 'RestoreFlag', ...issued })
        .thenThrows(FlagErrorCodes.FLAG_NOT_KILLED);
    });
  });
  it('refuses variants that differ only in key order from the stored definition (as jsonb gives it back)', () => {
    const stored: FlagEvent = {
      type: 'FlagDefined',
      data: {
        ...(defined.data as object),
        definition: {
          state: 'ENABLED',
          targeting: checkout.targeting,
          defaultVariant: 'off',
          variants: { off: false, on: true },
        },
      } as never,
    };
    flag
      .given([stored])
      .when({ type: 'ChangeFlagVariants', ...issued, variants: { on: true, off: false }, defaultVariant: 'off' })
      .thenThrows(FlagErrorCodes.FLAG_UNCHANGED);
  });
});
