import type { FlagDefinition, FlagEvent, FlagSegmentEvent } from '@railyard/contracts';
import { createMemoryEventStore, type RecordedEvent } from '@railyard/eventstore';
import { describe, expect, it } from 'vitest';
import { flagStream, segmentStream } from './flag-commands.js';
import { FlagSnapshot } from './flag-snapshot.js';

const actor = { id: 'dev-ines', kind: 'user' as const, roles: ['developer'] };
let position = 0n;
const revisions = new Map<string, bigint>();

/** A stored event as the store would deliver it, without a store: the snapshot's fold is pure. */
function recorded(streamId: string, event: FlagEvent | FlagSegmentEvent): RecordedEvent {
  const revision = (revisions.get(streamId) ?? -1n) + 1n;
  revisions.set(streamId, revision);
  position += 10n;
  return {
    streamId,
    revision,
    position,
    id: crypto.randomUUID(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: { occurredAt: '2026-12-02T10:00:00.000Z', actor, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
    createdAt: new Date(),
    hash: null,
  };
}

function snapshotWith(...flags: [string, FlagDefinition, string?][]): FlagSnapshot {
  const snapshot = new FlagSnapshot(createMemoryEventStore(), { warn() {}, info() {} });
  for (const [key, definition, offVariant] of flags) {
    snapshot.apply(
      recorded(flagStream(key), {
        type: 'FlagDefined',
        data: {
          key,
          definition,
          offVariant: offVariant ?? definition.defaultVariant,
          reason: 'r',
          definedBy: actor.id,
        },
      }),
    );
  }
  return snapshot;
}

const split: FlagDefinition = {
  state: 'ENABLED',
  variants: { a: 'a', b: 'b' },
  defaultVariant: 'a',
  targeting: {
    fractional: [
      ['a', 50],
      ['b', 50],
    ],
  },
};
const colours: FlagDefinition = {
  state: 'ENABLED',
  variants: { red: 'red', green: 'green', blue: 'blue' },
  defaultVariant: 'red',
  targeting: {
    fractional: [
      ['red', 20],
      ['green', 30],
      ['blue', 50],
    ],
  },
};

/**
 * MurmurHash3 x86 32-bit (Austin Appleby's public-domain algorithm), seed 0: the hash flagd's `fractional` buckets
 * with (open-feature/flagd core/pkg/evaluator/fractional.go). An oracle independent of flagd-core.
 */
function murmur3(text: string): number {
  const bytes = new TextEncoder().encode(text);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mix = (k: number) => Math.imul(((Math.imul(k, c1) << 15) | (Math.imul(k, c1) >>> 17)) >>> 0, c2);
  let h = 0;
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    h ^= mix(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  const rest = bytes.length & 3;
  if (rest === 3) tail ^= bytes[whole + 2]! << 16;
  if (rest >= 2) tail ^= bytes[whole + 1]! << 8;
  if (rest >= 1) h ^= mix(tail ^ bytes[whole]!);
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** flagd's bucket: (hash × total weight) >> 32, then the first variant whose running weight passes it. */
function oracle(flagKey: string, targetingKey: string, weights: [string, number][]): string {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const bucket = Number((BigInt(murmur3(flagKey + targetingKey)) * BigInt(total)) >> 32n);
  let sum = 0;
  for (const [variant, weight] of weights) {
    sum += weight;
    if (bucket < sum) return variant;
  }
  throw new Error('no bucket');
}

const variantOf = (snapshot: FlagSnapshot, key: string, targetingKey: string) => {
  const result = snapshot.evaluate(key, { targetingKey });
  if (!result.ok) throw new Error(result.errorDetails);
  return result.variant;
};

describe('sticky percentage rollouts (fractional)', () => {
  const snapshot = snapshotWith(['rollout', split], ['colour', colours]);
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);

  it('pins the bucket of each targeting key: a library upgrade that moves users fails here', () => {
    expect(keys(12).map((k) => variantOf(snapshot, 'rollout', k))).toEqual([
      'b',
      'a',
      'a',
      'b',
      'b',
      'a',
      'a',
      'a',
      'a',
      'a',
      'a',
      'a',
    ]);
    expect(keys(12).map((k) => variantOf(snapshot, 'colour', k))).toEqual([
      'green',
      'blue',
      'green',
      'green',
      'red',
      'green',
      'red',
      'blue',
      'green',
      'blue',
      'green',
      'blue',
    ]);
  });

  it('agrees with flagd’s published bucketing (murmur3 of flag key + targeting key) on 2,000 keys', () => {
    for (const k of keys(2_000)) {
      expect(variantOf(snapshot, 'rollout', k)).toBe(
        oracle('rollout', k, [
          ['a', 50],
          ['b', 50],
        ]),
      );
      expect(variantOf(snapshot, 'colour', k)).toBe(
        oracle('colour', k, [
          ['red', 20],
          ['green', 30],
          ['blue', 50],
        ]),
      );
    }
  });

  it('splits 10,000 keys 50/50 within ±2%, and gives every key the same variant again', () => {
    const first = keys(10_000).map((k) => variantOf(snapshot, 'rollout', k));
    const share = first.filter((v) => v === 'a').length / first.length;
    expect(share).toBeGreaterThan(0.48);
    expect(share).toBeLessThan(0.52);
    expect(keys(10_000).map((k) => variantOf(snapshot, 'rollout', k))).toEqual(first);
  });

  it('answers SPLIT for a bare fractional rule, and TARGETING_KEY_MISSING without a targeting key', () => {
    expect(snapshot.evaluate('rollout', { targetingKey: 'user-1' })).toMatchObject({ ok: true, reason: 'SPLIT' });
    expect(snapshot.evaluate('rollout', {})).toMatchObject({
      ok: false,
      status: 400,
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });
});

describe('evaluation', () => {
  const beta: FlagDefinition = {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: { if: [{ $ref: 'beta' }, 'on', null] },
  };

  it('matches targeting through a segment, else serves the default', () => {
    const snapshot = snapshotWith(['beta-checkout', beta]);
    snapshot.apply(
      recorded(segmentStream('beta'), {
        type: 'SegmentDefined',
        data: { name: 'beta', rule: { ends_with: [{ var: 'email' }, '@beta.example'] }, reason: 'r', definedBy: 'x' },
      }),
    );
    expect(snapshot.evaluate('beta-checkout', { targetingKey: 'u', email: 'a@beta.example' })).toMatchObject({
      reason: 'TARGETING_MATCH',
      variant: 'on',
      value: true,
    });
    expect(snapshot.evaluate('beta-checkout', { targetingKey: 'u', email: 'a@else.example' })).toMatchObject({
      reason: 'DEFAULT',
      variant: 'off',
      value: false,
    });
  });

  it('answers DISABLED with the default variant for a disabled flag, and FLAG_NOT_FOUND for an unknown one', () => {
    const snapshot = snapshotWith(['dark', { ...beta, state: 'DISABLED' }]);
    const disabled = snapshot.evaluate('dark', { targetingKey: 'u', email: 'a@beta.example' });
    expect(disabled).toMatchObject({ ok: true, reason: 'DISABLED', variant: 'off', value: false });
    expect(snapshot.evaluate('nope', {})).toMatchObject({ ok: false, status: 404, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('the kill switch flips every key to the off variant at once, and a restore brings the split back', () => {
    const snapshot = snapshotWith(['rollout', split, 'a']);
    const keys = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => variantOf(snapshot, 'rollout', k));
    expect(new Set(before)).toEqual(new Set(['a', 'b']));
    snapshot.apply(
      recorded(flagStream('rollout'), {
        type: 'FlagKilled',
        data: { key: 'rollout', offVariant: 'a', reason: 'r', killedBy: 'x' },
      }),
    );
    expect(keys.map((k) => variantOf(snapshot, 'rollout', k))).toEqual(keys.map(() => 'a'));
    expect(snapshot.evaluate('rollout', {})).toMatchObject({ ok: true, reason: 'STATIC', metadata: { killed: true } });
    snapshot.apply(
      recorded(flagStream('rollout'), { type: 'FlagRestored', data: { key: 'rollout', reason: 'r', restoredBy: 'x' } }),
    );
    expect(keys.map((k) => variantOf(snapshot, 'rollout', k))).toEqual(before);
  });

  it('tags the bulk answer by flag-set version and context, whatever the key order', () => {
    const snapshot = snapshotWith(['rollout', split]);
    const tag = snapshot.etag({ targetingKey: 'u', plan: 'pro' });
    expect(snapshot.etag({ plan: 'pro', targetingKey: 'u' })).toBe(tag);
    expect(snapshot.etag({ targetingKey: 'v', plan: 'pro' })).not.toBe(tag);
    snapshot.apply(
      recorded(flagStream('rollout'), {
        type: 'FlagStateChanged',
        data: { key: 'rollout', state: 'DISABLED', reason: 'r', changedBy: 'x' },
      }),
    );
    expect(snapshot.etag({ targetingKey: 'u', plan: 'pro' })).not.toBe(tag);
  });

  it('serialises an OFREP success body once per flag version, reason and variant, and anew after a change', () => {
    const snapshot = snapshotWith(['rollout', split]);
    const answer = snapshot.evaluate('rollout', { targetingKey: 'user-1' });
    if (!answer.ok) throw new Error('expected a success');
    const { key, reason, variant, value, metadata } = answer;
    expect(JSON.parse(snapshot.successBody(answer))).toEqual({ key, reason, variant, value, metadata });
    const other = Array.from({ length: 50 }, (_, i) => `user-${i}`)
      .map((k) => snapshot.evaluate('rollout', { targetingKey: k }))
      .find((e) => e.ok && e.variant !== variant);
    if (!other?.ok) throw new Error('expected a key in the other bucket');
    expect(JSON.parse(snapshot.successBody(other))).toMatchObject({ variant: other.variant, value: other.value });
    expect(JSON.parse(snapshot.successBody(answer))).toMatchObject({ variant });
    snapshot.apply(
      recorded(flagStream('rollout'), {
        type: 'FlagStateChanged',
        data: { key: 'rollout', state: 'DISABLED', reason: 'r', changedBy: 'x' },
      }),
    );
    // An answer worked out before the change still says what it said; a new one carries the new revision.
    expect(JSON.parse(snapshot.successBody(answer))).toEqual({ key, reason, variant, value, metadata });
    const after = snapshot.evaluate('rollout', { targetingKey: 'user-1' });
    if (!after.ok) throw new Error('expected a success');
    expect(JSON.parse(snapshot.successBody(after))).toMatchObject({ reason: 'DISABLED', metadata: after.metadata });
    expect(after.metadata.revision).toBeGreaterThan(Number(metadata.revision));
  });
});
