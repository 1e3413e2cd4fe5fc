import { ErrorCodes } from '@railyard/contracts';
import type { ProjectionRunner } from '@railyard/readmodels';
import { projectionLagHeaders } from '@railyard/readmodels';
import { type FastifyPluginAsyncZod, HttpProblem, pageOf } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ArtifactCatalogDb } from '../../catalog/projection.js';

const Query = z.strictObject({
  name: z.string().max(128).optional().describe('Exact name.'),
  q: z.string().min(1).max(128).optional().describe('Substring of the name (case-insensitive).'),
  kind: z.string().max(50).optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  commit: z.string().max(64).optional().describe('Source commit (prefix).'),
  stage: z.string().max(50).optional().describe('Only artifacts promoted to this stage.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});
const Item = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.string(),
  version: z.string(),
  sha256: z.string(),
  size: z.number().nullable(),
  sourceCommit: z.string().nullable(),
  repository: z.string().nullable(),
  pipelineRun: z.string().nullable(),
  stability: z.string(),
  auditClass: z.string(),
  registeredAt: z.string(),
  stages: z.array(z.string()),
  signed: z.boolean(),
  legalHold: z.boolean(),
  sweptAt: z.string().nullable(),
});
const Page = pageOf('ArtifactSummary', Item);

// The cursor is the sort key of the last row returned: (registered_at, artifact_id), base64url-encoded.
const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || !z.iso.datetime().safeParse(at).success || !z.uuid().safeParse(id).success) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return { at: new Date(at), id };
}

/** What this slice uses, handed over by its capability's routes. */
export interface ArtifactListDeps {
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
}

/** GET /artifacts — list and search artifact versions, from the catalog projection (headers say its lag). */
export const artifactListRoute: FastifyPluginAsyncZod<ArtifactListDeps> = async (app, { db, catalog }) => {
  app.get(
    '/artifacts',
    {
      schema: {
        summary: 'List and search artifacts',
        tags: ['artifacts'],
        querystring: Query,
        response: { 200: Page },
      },
    },
    async (request, reply) => {
      const { name, q, kind, sha256, commit, stage, limit, cursor } = request.query;
      let query = db
        .selectFrom('artifact.artifacts')
        .selectAll()
        .orderBy('registered_at')
        .orderBy('artifact_id')
        .limit(limit + 1);
      if (name) query = query.where('name', '=', name);
      if (q) query = query.where('name', 'ilike', `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (kind) query = query.where('kind', '=', kind);
      if (sha256) query = query.where('sha256', '=', sha256);
      if (commit) query = query.where('source_commit', 'like', `${commit.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (stage) query = query.where((eb) => eb(eb.val(stage), '=', eb.fn.any('stages')));
      if (cursor) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb.or([
            eb('registered_at', '>', after.at),
            eb.and([eb('registered_at', '=', after.at), eb('artifact_id', '>', after.id)]),
          ]),
        );
      }
      const [rows, lag] = await Promise.all([query.execute(), projectionLagHeaders(catalog)]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return reply.headers({ ...lag }).send({
        items: page.map((r) => ({
          id: r.artifact_id,
          name: r.name,
          kind: r.kind,
          version: r.version,
          sha256: r.sha256,
          size: r.size === null ? null : Number(r.size),
          sourceCommit: r.source_commit,
          repository: r.repository,
          pipelineRun: r.pipeline_run,
          stability: r.stability,
          auditClass: r.audit_class,
          registeredAt: new Date(r.registered_at).toISOString(),
          stages: r.stages,
          signed: r.signed,
          legalHold: r.legal_hold !== null,
          sweptAt: r.swept_at ? new Date(r.swept_at).toISOString() : null,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.registered_at), last.artifact_id) : null,
      });
    },
  );
};
