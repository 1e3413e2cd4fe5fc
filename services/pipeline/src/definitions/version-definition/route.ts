import { notFound, PipelineErrorCodes, ServiceNameSchema, ServiceTier, StageDefinition } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod, schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type DefinitionCommands, definitionIdOf, definitionStream, loadDefinition } from '../definition-commands.js';
import type { DefinitionState } from '../domain/definition.decide.js';

const Params = z.strictObject({ service: ServiceNameSchema });
const Body = z.strictObject({
  tier: ServiceTier,
  securityPolicy: z.string().min(1).max(100).default('default'),
  stages: z.array(StageDefinition).min(1).max(50),
  reason: z.string().trim().min(1).max(1000).optional(),
});
const DefinitionView = schemaComponent(
  'PipelineDefinition',
  z.object({
    service: z.string(),
    version: z.number().int(),
    tier: ServiceTier,
    securityPolicy: z.string(),
    stages: z.array(StageDefinition),
    versions: z.array(z.number().int()),
  }),
);

function view(state: DefinitionState, version?: number) {
  const chosen = !state.exists
    ? undefined
    : version === undefined
      ? state.versions.at(-1)
      : state.versions.find((v) => v.version === version);
  if (!state.exists || !chosen) {
    throw notFound(PipelineErrorCodes.DEFINITION_NOT_FOUND, `No definition version ${version ?? ''} for this service.`);
  }
  return { service: state.service, ...chosen, versions: state.versions.map((v) => v.version) };
}

/** PUT/GET /services/:service/pipeline-definition — versioned definitions (L1). */
export interface DefinitionRouteDeps {
  commands: DefinitionCommands;
  store: EventStore;
  now: () => Date;
}

export const definitionRoutes: FastifyPluginAsyncZod<DefinitionRouteDeps> = async (app, deps) => {
  app.put(
    '/services/:service/pipeline-definition',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Publish a new version of the service pipeline (runs already started keep theirs)',
        tags: ['definitions'],
        params: Params,
        body: Body,
        response: { 200: DefinitionView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { service } = request.params;
      const result = await deps.commands.handle(
        definitionStream(service),
        {
          type: 'VersionDefinition',
          actor: ctx.actor,
          at: ctx.now,
          definitionId: definitionIdOf(service),
          service,
          ...request.body,
        },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(view(result.state));
    },
  );
  app.get(
    '/services/:service/pipeline-definition',
    {
      schema: {
        summary: 'The current (or a given) version of the service pipeline',
        tags: ['definitions'],
        params: Params,
        querystring: z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
        response: { 200: DefinitionView },
      },
    },
    async (request, reply) => {
      const { definition, revision } = await loadDefinition(deps.store, request.params.service);
      return reply.header('etag', etagOf(revision)).send(view(definition, request.query.version));
    },
  );
};
