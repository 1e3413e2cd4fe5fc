import { describe, expect, it } from 'vitest';
import { type RetentionFacts, retentionOf } from './retention.js';

const policy = { snapshotDays: 14, releaseDays: 365, promotedToProdDays: 1825, regulatedDays: 2555, prodStage: 'prod' };
const registeredAt = new Date('2026-01-01T00:00:00Z');
const facts = (over: Partial<RetentionFacts>): RetentionFacts => ({
  registeredAt,
  stability: 'release',
  auditClass: 'standard',
  stages: [],
  ...over,
});

describe('retention', () => {
  it('keeps unpromoted snapshots for days', () => {
    const d = retentionOf(facts({ stability: 'snapshot' }), policy, new Date('2026-01-20T00:00:00Z'));
    expect(d).toMatchObject({ rule: 'snapshot', expired: true, retainedUntil: new Date('2026-01-15T00:00:00Z') });
  });
  it('keeps releases a year and anything promoted to prod for years', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    expect(retentionOf(facts({}), policy, now)).toMatchObject({ rule: 'release', expired: true });
    expect(retentionOf(facts({ stability: 'snapshot', stages: ['staging', 'prod'] }), policy, now)).toMatchObject({
      rule: 'prod',
      expired: false,
    });
  });
  it('takes the longest rule: regulated beats prod', () => {
    const d = retentionOf(facts({ auditClass: 'regulated', stages: ['prod'] }), policy, registeredAt);
    expect(d.rule).toBe('regulated');
    expect(d.retainedUntil.toISOString()).toBe('2032-12-30T00:00:00.000Z');
  });
  it('is expired exactly at the end of the retention', () => {
    expect(retentionOf(facts({ stability: 'snapshot' }), policy, new Date('2026-01-15T00:00:00Z')).expired).toBe(true);
    expect(retentionOf(facts({ stability: 'snapshot' }), policy, new Date('2026-01-14T23:59:59Z')).expired).toBe(false);
  });
});
