import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ReleaseBoardsDeps } from '../release-boards/deps.js';

const Query = z.strictObject({
  team: z.string().trim().min(1).max(100).describe('The team whose board this is (either end of an edge).'),
  releaseId: z.uuid().optional(),
  trainId: z.uuid().optional().describe('Only releases riding this train: the train-wide graph.'),
});
const Edge = z.object({
  dependencyId: z.uuid(),
  releaseId: z.uuid(),
  from: z.object({ team: z.string(), service: z.string().nullable() }),
  to: z.object({ team: z.string(), service: z.string().nullable() }),
  kind: z.string(),
  owner: z.string(),
  blocking: z.boolean(),
  status: z.string(),
  updatedAt: z.string(),
});
const Board = z.object({
  team: z.string(),
  needs: z.array(Edge).describe('What the team waits for.'),
  neededBy: z.array(Edge).describe('What others wait for from the team.'),
});

/** GET /dependency-board?team= — a team's dependencies both ways, blocked and open first (P2). */
export const dependencyBoardRoute: FastifyPluginAsyncZod<ReleaseBoardsDeps> = async (app, { db, runner }) => {
  app.get(
    '/dependency-board',
    {
      schema: {
        summary: 'Dependency board by team',
        description: "A team's dependencies both ways, blocked and open first (P2).",
        tags: ['read-models'],
        querystring: Query,
        response: { 200: Board },
      },
    },
    async (request, reply) => {
      const team = request.query.team.toLowerCase();
      let query = db
        .selectFrom('planning.dependency_board')
        .selectAll()
        .where((eb) => eb.or([eb(sql`lower(from_team)`, '=', team), eb(sql`lower(to_team)`, '=', team)]))
        .orderBy(sql`case status when 'blocked' then 0 when 'open' then 1 else 2 end`)
        .orderBy('updated_at', 'desc')
        .limit(1000);
      if (request.query.releaseId) query = query.where('release_id', '=', request.query.releaseId);
      const { trainId } = request.query;
      if (trainId) {
        // Same schema, another projection's table: which releases ride the train (eventually consistent, too).
        query = query.where(
          'release_id',
          'in',
          sql<string>`(select release_id from planning.release_list where train_id = ${trainId})`,
        );
      }
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(runner)]);
      const edges = rows.map((r) => ({
        dependencyId: r.dependency_id,
        releaseId: r.release_id,
        from: { team: r.from_team, service: r.from_service },
        to: { team: r.to_team, service: r.to_service },
        kind: r.kind,
        owner: r.owner,
        blocking: r.blocking,
        status: r.status,
        updatedAt: new Date(r.updated_at).toISOString(),
      }));
      return reply.headers({ ...lag }).send({
        team: request.query.team,
        needs: edges.filter((e) => e.from.team.toLowerCase() === team),
        neededBy: edges.filter((e) => e.to.team.toLowerCase() === team),
      });
    },
  );
};
