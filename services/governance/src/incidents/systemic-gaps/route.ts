import { GovernanceErrorCodes as Codes, invalid } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';

const Query = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('Incidents opened at or after (default: all).'),
  to: z.iso.datetime({ offset: true }).optional().describe('Incidents opened before (default: all).'),
});

const Gap = z.object({
  causeClass: z.string(),
  service: z.string(),
  missingSafeguard: z.string().nullable().describe('null: not yet named by whoever classified the incidents.'),
  incidents: z.number().int(),
  bySeverity: z.record(z.string(), z.number().int()),
  causes: z.array(z.string()),
  incidentIds: z.array(z.string()),
});

/**
 * GET /incidents/systemic-gaps — incidents grouped by cause class, service and missing safeguard (G4), largest group
 * first: the safeguards whose absence keeps costing incidents.
 */
export const systemicGapsRoute: FastifyPluginAsyncZod<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get(
    '/incidents/systemic-gaps',
    {
      config: { roles: ['sre', 'release-manager', 'auditor', 'analyst', 'deployment-lead'] },
      schema: {
        summary: 'Systemic-gap report: incidents by cause class, service and missing safeguard',
        tags: ['incidents'],
        querystring: Query,
        response: { 200: z.object({ groups: z.array(Gap) }) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (from && to && new Date(from).getTime() >= new Date(to).getTime()) {
        throw invalid(Codes.PERIOD_INVALID, '`from` must be before `to`.');
      }
      const { rows } = await pool.query(
        `SELECT cause_class, service, missing_safeguard, count(*)::int AS incidents,
                jsonb_object_agg(severity, n) AS by_severity,
                array_remove(array_agg(DISTINCT cause ORDER BY cause), NULL) AS causes,
                array_agg(incident_id ORDER BY opened_at, incident_id)::text[] AS incident_ids
         FROM (SELECT i.*, count(*) OVER (PARTITION BY cause_class, service, missing_safeguard, severity)::int AS n
               FROM reporting.incidents i
               WHERE ($1::timestamptz IS NULL OR opened_at >= $1) AND ($2::timestamptz IS NULL OR opened_at < $2)) x
         GROUP BY cause_class, service, missing_safeguard
         ORDER BY incidents DESC, cause_class, service, missing_safeguard NULLS LAST`,
        [from ?? null, to ?? null],
      );
      return {
        groups: rows.map((r) => ({
          causeClass: r.cause_class,
          service: r.service,
          missingSafeguard: r.missing_safeguard,
          incidents: r.incidents,
          bySeverity: r.by_severity,
          causes: r.causes,
          incidentIds: r.incident_ids,
        })),
      };
    },
  );
};
