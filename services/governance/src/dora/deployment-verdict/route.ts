import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { KnownAt } from '../domain/dora.js';
import { loadDoraFacts } from '../dora-facts.js';
import { resolveAsOf } from '../dora-query.js';
import { isoDates } from '../dora-view.js';

const Verdict = z.object({
  deploymentId: z.string(),
  service: z.string(),
  asOf: z.string(),
  countedAt: z.string().describe('Its deployment time: when it succeeded (or was rolled back, if it never did).'),
  succeeded: z.boolean(),
  failed: z.boolean().describe('Counts in the change failure rate (once, whatever the number of reasons).'),
  reasons: z.array(
    z.object({
      kind: z.enum(['rolled-back', 'change-induced-incident']),
      at: z.string(),
      eventId: z.string(),
      incidentId: z.string().optional(),
      reason: z.string().optional(),
      linkedBy: z.string().optional(),
    }),
  ),
  notCounted: z
    .array(z.object({ incidentId: z.string(), causeClass: z.string(), eventId: z.string() }))
    .describe('Incidents linked as caused by it that do not make it a failure (not change_induced).'),
  recovery: z
    .object({ at: z.string(), by: z.enum(['rollback', 'fix']), deploymentId: z.string(), seconds: z.number() })
    .nullable(),
  rework: z.boolean(),
  remediates: z.array(z.string()),
});

/** GET /dora/deployments/:id — why a production deployment counts as failed or not, as known now or at `asOf`. */
export const deploymentVerdictRoute: FastifyPluginAsyncZod<{ pool: pg.Pool; now: () => Date }> = async (
  app,
  { pool, now },
) => {
  app.get(
    '/dora/deployments/:id',
    {
      config: { roles: ['analyst', 'auditor', 'sre', 'release-manager', 'deployment-lead', 'developer'] },
      schema: {
        summary: 'Why a production deployment counts as failed or not',
        tags: ['dora'],
        params: z.strictObject({ id: z.uuid() }),
        querystring: z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: Verdict },
      },
    },
    async (request) => {
      const asOf = resolveAsOf(request.query.asOf, now());
      const { rows } = await pool.query<{ service: string }>(
        "SELECT service FROM reporting.deployments WHERE deployment_id = $1 AND environment_tier = 'prod'",
        [request.params.id],
      );
      const service = rows[0]?.service;
      const verdict = service
        ? new KnownAt(await loadDoraFacts(pool, [service]), asOf).verdict(request.params.id)
        : undefined;
      if (!verdict) throw notFound(Codes.DEPLOYMENT_UNKNOWN, 'No production deployment with this id was known then.');
      const { deployment: d, ...rest } = verdict;
      return isoDates({
        deploymentId: d.deploymentId,
        service: d.service,
        asOf,
        countedAt: d.countedAt,
        succeeded: d.succeeded,
        ...rest,
      }) as z.infer<typeof Verdict>;
    },
  );
};
