import { notFound, PipelineErrorCodes } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { artifactGatesOf, type PipelineDb } from '../artifact-gates.js';

const Severities = z.record(z.string(), z.union([z.number(), z.string()]));
const GatesView = z.object({
  artifactId: z.uuid(),
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  staticAnalysis: Severities.nullable(),
  vulnerabilities: Severities.nullable(),
  signed: z.boolean(),
  promotedTo: z.array(z.string()),
  lastEventId: z.uuid(),
});

/** GET /artifacts/:name/:version/gates — what this service learnt about an artifact from the bus (its read model). */
export const artifactGatesRoute: FastifyPluginAsyncZod<{ db: Kysely<PipelineDb> }> = async (app, { db }) => {
  app.get(
    '/artifacts/:name/:version/gates',
    {
      schema: {
        summary: "The gate inputs known about an artifact (from the artifact service's events)",
        tags: ['gates'],
        params: z.strictObject({ name: z.string().min(1).max(200), version: z.string().min(1).max(256) }),
        response: { 200: GatesView },
      },
    },
    async (request) => {
      const row = await artifactGatesOf(db, request.params.name, request.params.version);
      if (!row) throw notFound(PipelineErrorCodes.ARTIFACT_UNKNOWN, 'No event about this artifact has arrived.');
      return {
        artifactId: row.artifact_id,
        name: row.name,
        version: row.version,
        sha256: row.sha256,
        staticAnalysis: row.static_analysis,
        vulnerabilities: row.vulnerabilities,
        signed: row.signed,
        promotedTo: row.promoted_to,
        lastEventId: row.last_event_id,
      };
    },
  );
};
