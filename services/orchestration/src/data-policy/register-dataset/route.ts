import { DataClassification, DatasetName, datasetStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { DatasetCommands } from '../dataset-store.js';
import { DatasetView } from '../dataset-view.js';

const Body = z.strictObject({
  name: DatasetName,
  classification: DataClassification,
  productionDerived: z.boolean().describe('Whether the data was taken or derived from production.'),
});

/** POST /datasets — a dataset with its classification (E3). */
export const registerDatasetRoute: FastifyPluginAsyncZod<{ commands: DatasetCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/datasets',
    {
      config: { roles: ['sre', 'release-manager'] },
      schema: { summary: 'Register a dataset', tags: ['data-policy'], body: Body, response: { 201: DatasetView } },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        datasetStream(request.body.name),
        { type: 'RegisterDataset', ...request.body, actor: ctx.actor.id },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a registered dataset exists');
      const { exists: _e, ...view } = result.state;
      return reply
        .code(201)
        .header('location', `/datasets/${view.name}`)
        .header('etag', etagOf(result.revision))
        .send({ ...view, revision: Number(result.revision) });
    },
  );
};
