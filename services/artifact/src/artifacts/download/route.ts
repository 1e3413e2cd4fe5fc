import { ArtifactErrorCodes } from '@railyard/contracts';
import { type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { LoadArtifact } from '../../artifacts/domain/artifact-identity.js';
import type { ArtifactCatalogDb } from '../../catalog/projection.js';
import type { ContentStore } from '../../content/content-store.js';
import { ArtifactParams } from '../artifact-view.js';

const Bytes = z.unknown().describe('The artifact bytes (application/octet-stream).');

async function stream(content: ContentStore, sha256: string, reply: import('fastify').FastifyReply) {
  const blob = await content.open(sha256);
  if (!blob) return undefined;
  return reply
    .type('application/octet-stream')
    .header('content-length', blob.size)
    .header('x-content-sha256', sha256)
    .header('digest', `sha-256=${Buffer.from(sha256, 'hex').toString('base64')}`)
    .header('etag', `"sha256:${sha256}"`)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .send(blob.stream);
}

const gone = (detail: string, details: Record<string, unknown>) =>
  new HttpProblem(410, ArtifactErrorCodes.CONTENT_SWEPT, detail, details);

/** What this slice uses, handed over by its capability's routes. */
export interface DownloadDeps {
  loadArtifact: LoadArtifact;
  content: ContentStore;
  db: Kysely<ArtifactCatalogDb>;
}

/** GET /artifacts/:name/:version/content and GET /blobs/sha256/:digest — streamed downloads (A2). */
export const downloadRoutes: FastifyPluginAsyncZod<DownloadDeps> = async (app, deps) => {
  const { content, db } = deps;
  app.get(
    '/artifacts/:name/:version/content',
    {
      schema: {
        summary: 'Download an artifact version',
        description: 'Streams the bytes; 303 to the URI of external content; 410 once retention swept the content.',
        tags: ['artifacts'],
        params: ArtifactParams,
        response: { 200: Bytes, 303: z.null() },
      },
    },
    async (request, reply) => {
      const { artifact } = await deps.loadArtifact(request.params.name, request.params.version);
      if (artifact.swept) {
        throw gone(
          `The content of ${artifact.name}@${artifact.version} was deleted by retention: ${artifact.swept.reason}.`,
          {
            rule: artifact.swept.rule,
            retainedUntil: artifact.swept.retainedUntil,
            sha256: artifact.sha256,
          },
        );
      }
      if (artifact.storage === 'external')
        return reply
          .code(303)
          .header('location', artifact.uri ?? '')
          .send(null);
      const sent = await stream(content, artifact.sha256, reply);
      if (sent) return sent;
      throw new HttpProblem(404, ArtifactErrorCodes.CONTENT_NOT_FOUND, 'The content is missing from storage.');
    },
  );

  app.get(
    '/blobs/sha256/:digest',
    {
      schema: {
        summary: 'Download content by digest',
        tags: ['artifacts'],
        params: z.strictObject({ digest: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters') }),
        response: { 200: Bytes },
      },
    },
    async (request, reply) => {
      const { digest } = request.params;
      const sent = await stream(content, digest, reply);
      if (sent) return sent;
      const swept = await db
        .selectFrom('artifact.artifacts')
        .select(['name', 'version', 'swept_rule', 'swept_at'])
        .where('sha256', '=', digest)
        .where('swept_at', 'is not', null)
        .executeTakeFirst();
      if (swept) {
        throw gone(`This content was deleted by retention (${swept.swept_rule}) with ${swept.name}@${swept.version}.`, {
          rule: swept.swept_rule,
          sweptAt: new Date(swept.swept_at as Date).toISOString(),
        });
      }
      throw new HttpProblem(404, ArtifactErrorCodes.CONTENT_NOT_FOUND, `No content with sha256 ${digest} is stored.`);
    },
  );
};
