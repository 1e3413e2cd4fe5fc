import { describe, expect, it } from 'vitest';
import { type DoraFacts, doraReport, percentile, periodsOf } from './dora.js';
import { tiersOf } from './tiers.js';

const t = (iso: string) => new Date(iso);

describe('percentile (linear between closest ranks, as percentile_cont)', () => {
  it('interpolates, and is null without values', () => {
    expect(percentile([7200, 86400, 14400, 10800], 0.5)).toBe(12_600);
    expect(percentile([7200, 86400, 14400, 10800], 0.9)).toBe(64_800);
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('periods', () => {
  it('are UTC days, ISO weeks from Monday and calendar months, clipped to the range', () => {
    const from = t('2026-10-07T12:00:00Z'); // a Wednesday
    const to = t('2026-11-03T00:00:00Z');
    expect(periodsOf(from, to, 'weekly').map((p) => p.from.toISOString())).toEqual([
      '2026-10-07T12:00:00.000Z',
      '2026-10-12T00:00:00.000Z',
      '2026-10-19T00:00:00.000Z',
      '2026-10-26T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ]);
    expect(periodsOf(from, to, 'monthly').map((p) => [p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['2026-10-07T12:00:00.000Z', '2026-11-01T00:00:00.000Z'],
      ['2026-11-01T00:00:00.000Z', '2026-11-03T00:00:00.000Z'],
    ]);
    expect(periodsOf(from, to, 'daily')).toHaveLength(27);
    expect(periodsOf(from, to, 'all')).toEqual([{ from, to }]);
  });
});

describe('tiers', () => {
  it('keep the 2024 report as published: a 15% failure rate is high, never medium', () => {
    const tiers = tiersOf('2024', {
      deploymentsPerDay: 2,
      leadTimeMedianSeconds: 3000,
      changeFailureRate: 0.15,
      recoveryMedianSeconds: 90_000,
    });
    expect(tiers).toEqual({
      deploymentFrequency: 'elite',
      leadTime: 'elite',
      changeFailureRate: 'high',
      recoveryTime: 'low',
    });
    expect(
      tiersOf('2023', {
        deploymentsPerDay: 0.01,
        leadTimeMedianSeconds: null,
        changeFailureRate: 0.15,
        recoveryMedianSeconds: 90_000,
      }),
    ).toEqual({ deploymentFrequency: 'low', leadTime: null, changeFailureRate: 'medium', recoveryTime: 'medium' });
  });
});

describe('a deployment rolled back and linked to two change-induced incidents', () => {
  const rec = t('2026-10-05T12:00:00Z');
  const facts: DoraFacts = {
    deployments: [
      {
        deploymentId: 'd1',
        service: 's',
        deployedAt: t('2026-10-05T10:00:00Z'),
        rolledBackAt: t('2026-10-05T10:20:00Z'),
        succeededRecordedAt: rec,
        rolledBackRecordedAt: rec,
        succeededEventId: 'e1',
        rolledBackEventId: 'e2',
      },
    ],
    changes: [],
    links: ['i1', 'i2'].map((incidentId) => ({
      incidentId,
      deploymentId: 'd1',
      role: 'cause' as const,
      reason: 'r',
      linkedBy: 'x',
      linkedAt: t('2026-10-05T11:00:00Z'),
      eventId: `l-${incidentId}`,
      recordedAt: rec,
    })),
    classifications: ['i1', 'i2'].map((incidentId) => ({
      incidentId,
      causeClass: 'change_induced' as const,
      cause: 'code',
      classifiedAt: t('2026-10-05T11:00:00Z'),
      eventId: `c-${incidentId}`,
      recordedAt: rec,
    })),
  };
  it('counts once (Four Keys would count it three times), recovered by the rollback', () => {
    const [period] = doraReport(facts, {
      from: t('2026-10-05T00:00:00Z'),
      to: t('2026-10-06T00:00:00Z'),
      interval: 'all',
      asOf: rec,
      thresholds: '2024',
    });
    expect(period!.figures.changeFailureRate).toMatchObject({ numerator: 1, denominator: 1, rate: 1 });
    expect(period!.figures.recoveryTime.medianSeconds).toBe(1200);
  });
  it('knows nothing before it was recorded', () => {
    const [period] = doraReport(facts, {
      from: t('2026-10-05T00:00:00Z'),
      to: t('2026-10-06T00:00:00Z'),
      interval: 'all',
      asOf: t('2026-10-05T11:59:59Z'),
      thresholds: '2024',
    });
    expect(period!.figures.deploymentFrequency.deployments).toBe(0);
    expect(period!.figures.changeFailureRate.rate).toBeNull();
  });
});
