import type { ProjectionRunner } from '@railyard/readmodels';
import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArtifactCatalogDb } from '../../catalog/projection.js';

const Params = z.strictObject({ stage: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/) });
const Query = z.strictObject({ name: z.string().max(128).optional() });
const Status = z.object({
  stage: z.string(),
  items: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      sha256: z.string(),
      promotedAt: z.string(),
      promotedBy: z.string(),
      latest: z.boolean().describe('The most recent promotion of this name to the stage.'),
    }),
  ),
});

/** What this slice uses, handed over by its capability's routes. */
export interface StagePromotionsDeps {
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
}

/** GET /stages/:stage/promotions — promotion status per stage: what reached it, when, by whom (projection). */
export const stagePromotionsRoute: FastifyPluginAsyncZod<StagePromotionsDeps> = async (app, { db, catalog }) => {
  app.get(
    '/stages/:stage/promotions',
    {
      schema: {
        summary: 'Artifacts promoted to a stage',
        tags: ['quality'],
        params: Params,
        querystring: Query,
        response: { 200: Status },
      },
    },
    async (request, reply) => {
      const { stage } = request.params;
      let query = db
        .selectFrom('artifact.promotions')
        .selectAll()
        .where('stage', '=', stage)
        .orderBy('name')
        .orderBy('promoted_at', 'desc')
        .limit(1000);
      if (request.query.name) query = query.where('name', '=', request.query.name);
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(catalog)]);
      const seen = new Set<string>();
      return reply.headers({ ...lag }).send({
        stage,
        items: rows.map((r) => {
          const latest = !seen.has(r.name);
          seen.add(r.name);
          return {
            name: r.name,
            version: r.version,
            sha256: r.sha256,
            promotedAt: new Date(r.promoted_at).toISOString(),
            promotedBy: r.promoted_by,
            latest,
          };
        }),
      });
    },
  );
};
