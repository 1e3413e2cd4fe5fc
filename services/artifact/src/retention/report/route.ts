import type { ProjectionRunner } from '@railyard/readmodels';
import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArtifactCatalogDb } from '../../catalog/projection.js';
import type { ArtifactPolicies } from '../../policies.js';
import { ReportItem, retentionReport } from '../retention-report.js';

const Query = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional().describe('Evaluate as of this instant (default: now).'),
  action: z.enum(['delete', 'keep', 'held']).optional(),
});
const Report = z.object({
  at: z.string(),
  summary: z.object({ delete: z.number().int(), keep: z.number().int(), held: z.number().int() }),
  items: z.array(ReportItem),
});

/** What this slice uses, handed over by its capability's routes. */
export interface RetentionReportDeps {
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  policies: Pick<ArtifactPolicies, 'retention'>;
  now: () => Date;
}

/** GET /retention/report — the dry run: what a sweep would delete, keep, or leave under legal hold (A5). */
export const retentionReportRoute: FastifyPluginAsyncZod<RetentionReportDeps> = async (app, deps) => {
  app.get(
    '/retention/report',
    {
      schema: { summary: 'Retention dry run', tags: ['retention'], querystring: Query, response: { 200: Report } },
    },
    async (request, reply) => {
      const at = request.query.at ? new Date(request.query.at) : deps.now();
      const [all, lag] = await Promise.all([
        retentionReport(deps.db, deps.policies.retention, at),
        projectionLagHeaders(deps.catalog),
      ]);
      const summary = { delete: 0, keep: 0, held: 0 };
      for (const item of all) summary[item.action]++;
      const items = all
        .filter((i) => !request.query.action || i.action === request.query.action)
        .map(({ artifactId: _id, ...item }) => item);
      return reply.headers({ ...lag }).send({ at: at.toISOString(), summary, items });
    },
  );
};
