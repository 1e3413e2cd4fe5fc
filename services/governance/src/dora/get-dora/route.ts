import { GovernanceErrorCodes as Codes, invalid, ServiceNameSchema, TeamName } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { doraReport } from '../domain/dora.js';
import { DEFAULT_THRESHOLDS, DORA_THRESHOLD_TABLES, type ThresholdTable } from '../domain/tiers.js';
import { loadDoraFacts } from '../dora-facts.js';
import { resolveAsOf, servicesInScope } from '../dora-query.js';
import { DoraReportView, isoDates } from '../dora-view.js';

const DAY_MS = 86_400_000;

const Query = z.strictObject({
  service: ServiceNameSchema.optional(),
  team: TeamName.optional().describe("A team's services (PUT /services/:service/team)."),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive; default: 28 days before `to`.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive; default: `asOf`.'),
  interval: z.enum(['daily', 'weekly', 'monthly', 'all']).default('weekly'),
  asOf: z.iso.datetime({ offset: true }).optional().describe('As known at this instant (default: now); not ahead.'),
  thresholds: z
    .enum(Object.keys(DORA_THRESHOLD_TABLES) as [ThresholdTable, ...ThresholdTable[]])
    .default(DEFAULT_THRESHOLDS)
    .describe('The DORA report whose tier thresholds rate the figures.'),
});

/** GET /dora — the DORA figures per period, exact, as known now or at `asOf` (G1). */
export const getDoraRoute: FastifyPluginAsyncZod<{ pool: pg.Pool; now: () => Date }> = async (app, { pool, now }) => {
  app.get(
    '/dora',
    {
      config: { roles: ['analyst', 'auditor', 'sre', 'release-manager', 'deployment-lead', 'developer'] },
      schema: {
        summary: 'DORA figures per service or team and period, as known now or at an instant',
        description:
          'Deployment frequency (successful production deployments), lead time (per commit, committedAt to its first ' +
          'successful production deployment: median and p90), change failure rate (deployments rolled back or linked ' +
          'as the cause of a change_induced incident, each counted once), failed deployment recovery time (to the ' +
          "rollback's or the fix's deployment: median) and rework rate (deployments linked as an incident's " +
          'remediation). Every rate with numerator, denominator and deployment ids; tiers from the chosen report.',
        tags: ['dora'],
        querystring: Query,
        response: { 200: DoraReportView },
      },
    },
    async (request) => {
      const q = request.query;
      const asOf = resolveAsOf(q.asOf, now());
      const to = q.to ? new Date(q.to) : asOf;
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 28 * DAY_MS);
      if (from.getTime() >= to.getTime()) {
        throw invalid(Codes.PERIOD_INVALID, '`from` must be before `to`.', {
          from: from.toISOString(),
          to: to.toISOString(),
        });
      }
      const services = await servicesInScope(pool, q);
      const facts = await loadDoraFacts(pool, services);
      const periods = doraReport(facts, { from, to, interval: q.interval, asOf, thresholds: q.thresholds });
      return {
        asOf: asOf.toISOString(),
        thresholds: q.thresholds,
        interval: q.interval,
        from: from.toISOString(),
        to: to.toISOString(),
        services,
        team: q.team ?? null,
        periods: isoDates(periods) as z.infer<typeof DoraReportView>['periods'],
      };
    },
  );
};
