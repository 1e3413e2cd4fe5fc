/**
 * DORA performance tiers as data, versioned by report year (G1). Each tier gives an upper bound per metric (lead
 * time median, change failure rate, failed deployment recovery time median) and a lower bound on deployment
 * frequency; a figure takes the best tier whose bound it meets, in the order listed; `low` takes everything else.
 *
 * 2024 (Accelerate State of DevOps 2024): elite < 1 day / on demand / 5% / < 1 hour; high 1 day–1 week /
 * daily–weekly / 20% / < 1 day; medium 1 week–1 month / weekly–monthly / 10% / < 1 day; low 1–6 months /
 * monthly–6-monthly / 40% / 1 week–1 month. The report itself puts high's failure rate (20%) above medium's (10%):
 * kept as published, so under 2024 a failure rate above 5% and up to 20% is `high`, and `medium` is never reached
 * for that metric. 2023: failure rates 5 / 10 / 15 / 64%, recovery < 1 hour / < 1 day / 1 day–1 week / 1–6 months.
 * "On demand" (several deployments a day) is read as at least one a day on average over the period.
 */
export const DORA_TIERS = ['elite', 'high', 'medium', 'low'] as const;
export type DoraTier = (typeof DORA_TIERS)[number];

export interface TierBounds {
  tier: DoraTier;
  leadTimeMaxSeconds: number | null;
  minDeploymentsPerDay: number | null;
  changeFailureRateMax: number | null;
  recoveryMaxSeconds: number | null;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

export const DORA_THRESHOLD_TABLES = {
  '2024': [
    {
      tier: 'elite',
      leadTimeMaxSeconds: DAY,
      minDeploymentsPerDay: 1,
      changeFailureRateMax: 0.05,
      recoveryMaxSeconds: HOUR,
    },
    {
      tier: 'high',
      leadTimeMaxSeconds: WEEK,
      minDeploymentsPerDay: 1 / 7,
      changeFailureRateMax: 0.2,
      recoveryMaxSeconds: DAY,
    },
    {
      tier: 'medium',
      leadTimeMaxSeconds: MONTH,
      minDeploymentsPerDay: 1 / 30,
      changeFailureRateMax: 0.1,
      recoveryMaxSeconds: DAY,
    },
    {
      tier: 'low',
      leadTimeMaxSeconds: null,
      minDeploymentsPerDay: null,
      changeFailureRateMax: null,
      recoveryMaxSeconds: null,
    },
  ],
  '2023': [
    {
      tier: 'elite',
      leadTimeMaxSeconds: DAY,
      minDeploymentsPerDay: 1,
      changeFailureRateMax: 0.05,
      recoveryMaxSeconds: HOUR,
    },
    {
      tier: 'high',
      leadTimeMaxSeconds: WEEK,
      minDeploymentsPerDay: 1 / 7,
      changeFailureRateMax: 0.1,
      recoveryMaxSeconds: DAY,
    },
    {
      tier: 'medium',
      leadTimeMaxSeconds: MONTH,
      minDeploymentsPerDay: 1 / 30,
      changeFailureRateMax: 0.15,
      recoveryMaxSeconds: WEEK,
    },
    {
      tier: 'low',
      leadTimeMaxSeconds: null,
      minDeploymentsPerDay: null,
      changeFailureRateMax: null,
      recoveryMaxSeconds: null,
    },
  ],
} as const satisfies Record<string, readonly TierBounds[]>;
export type ThresholdTable = keyof typeof DORA_THRESHOLD_TABLES;
export const DEFAULT_THRESHOLDS: ThresholdTable = '2024';

const atMost = (value: number, bound: number | null) => bound === null || value <= bound;
const below = (value: number, bound: number | null) => bound === null || value < bound;

/** The tier of each figure that has a value (null when there is nothing to rate). */
export function tiersOf(
  table: ThresholdTable,
  f: {
    deploymentsPerDay: number;
    leadTimeMedianSeconds: number | null;
    changeFailureRate: number | null;
    recoveryMedianSeconds: number | null;
  },
) {
  const rows: readonly TierBounds[] = DORA_THRESHOLD_TABLES[table];
  const pick = (ok: (b: TierBounds) => boolean) => rows.find(ok)?.tier ?? 'low';
  return {
    deploymentFrequency: pick((b) => b.minDeploymentsPerDay === null || f.deploymentsPerDay >= b.minDeploymentsPerDay),
    leadTime:
      f.leadTimeMedianSeconds === null ? null : pick((b) => below(f.leadTimeMedianSeconds!, b.leadTimeMaxSeconds)),
    changeFailureRate:
      f.changeFailureRate === null ? null : pick((b) => atMost(f.changeFailureRate!, b.changeFailureRateMax)),
    recoveryTime:
      f.recoveryMedianSeconds === null ? null : pick((b) => below(f.recoveryMedianSeconds!, b.recoveryMaxSeconds)),
  };
}
