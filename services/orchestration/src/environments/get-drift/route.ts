import { DriftDifference } from '@railyard/contracts';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type EnvironmentRouteDeps, loadEnvironment } from '../environment-store.js';
import { EnvironmentParams } from '../environment-view.js';

const DriftView = z.object({
  name: z.string(),
  status: z.enum(['unknown', 'in-sync', 'drifted']).describe('unknown until an agent reports.'),
  differences: z.array(DriftDifference).describe('RFC 6902 operations from desired to actual, after ignore rules.'),
  ignored: z.array(z.string()).describe('The JSON Pointers drift detection ignores.'),
  desiredSha256: z.string(),
  actualSha256: z.string().nullable(),
});

/** GET /environments/:name/drift — desired vs reported configuration, as JSON-Patch operations (E1). */
export const getDriftRoute: FastifyPluginAsyncZod<Pick<EnvironmentRouteDeps, 'store'>> = async (app, { store }) => {
  app.get(
    '/environments/:name/drift',
    {
      schema: {
        summary: 'Get the drift of an environment',
        tags: ['environments'],
        params: EnvironmentParams,
        response: { 200: DriftView },
      },
    },
    async (request, reply) => {
      const { environment: e, revision } = await loadEnvironment(store, request.params.name);
      return reply.header('etag', etagOf(revision)).send({
        name: e.name,
        status: e.drift.status,
        differences: e.drift.differences,
        ignored: e.driftIgnore,
        desiredSha256: e.iac.parametersSha256,
        actualSha256: e.actual?.sha256 ?? null,
      });
    },
  );
};
