import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { DORA_TIERS } from './domain/tiers.js';

const Ids = z.array(z.string());
const Tier = z.enum(DORA_TIERS).nullable();
const Rate = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  rate: z.number().nullable().describe('numerator ÷ denominator, rounded to 6 decimals; null without deployments'),
  deploymentIds: Ids.describe('The deployments counted in the numerator.'),
});

export const DoraFiguresView = schemaComponent(
  'DoraFigures',
  z.object({
    deploymentFrequency: z.object({ deployments: z.number().int(), perDay: z.number(), deploymentIds: Ids }),
    leadTime: z.object({
      commits: z.number().int(),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
      deploymentIds: Ids.describe('The first production deployments of the commits counted.'),
    }),
    changeFailureRate: Rate.extend({ denominatorDeploymentIds: Ids }),
    recoveryTime: z.object({
      failedDeployments: z.number().int(),
      recovered: z.number().int(),
      medianSeconds: z.number().nullable(),
      deploymentIds: Ids,
      unrecoveredDeploymentIds: Ids,
    }),
    reworkRate: Rate,
  }),
);

export const DoraReportView = schemaComponent(
  'DoraReport',
  z.object({
    asOf: z.string(),
    thresholds: z.string(),
    interval: z.string(),
    from: z.string(),
    to: z.string(),
    services: z.array(z.string()).nullable().describe('The services counted (null: every service).'),
    team: z.string().nullable(),
    periods: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        closedAt: z
          .string()
          .nullable()
          .describe(
            "When everything that happened up to the period's end had been recorded: restatements are against it.",
          ),
        restated: z.boolean(),
        restatedFigures: z.array(z.string()),
        figures: DoraFiguresView,
        tiers: z.object({ deploymentFrequency: Tier, leadTime: Tier, changeFailureRate: Tier, recoveryTime: Tier }),
      }),
    ),
  }),
);

/** Dates to ISO strings, recursively (the domain speaks Date; the API ISO-8601 UTC). */
export function isoDates<T>(value: T): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(isoDates);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isoDates(v)]));
  }
  return value;
}
