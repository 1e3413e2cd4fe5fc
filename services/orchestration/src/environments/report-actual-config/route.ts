import { createHash } from 'node:crypto';
import { DriftDifference, environmentStream } from '@railyard/contracts';
import { canonicalJson, commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type EnvironmentRouteDeps, loadEnvironment } from '../environment-store.js';
import { EnvironmentParams } from '../environment-view.js';

const Body = z.strictObject({ config: z.record(z.string(), z.unknown()).describe('The configuration as deployed.') });
const Answer = z.object({
  name: z.string(),
  configSha256: z.string(),
  drift: z.object({ status: z.enum(['unknown', 'in-sync', 'drifted']), differences: z.array(DriftDifference) }),
  recorded: z.array(z.string()).describe('The event types this report appended.'),
});

/** POST /environments/:name/actual-config — an agent reports the configuration; drift is recorded when it changes. */
export const reportActualConfigRoute: FastifyPluginAsyncZod<EnvironmentRouteDeps> = async (
  app,
  { commands, store, now },
) => {
  app.post(
    '/environments/:name/actual-config',
    {
      config: { roles: ['deployer', 'sre'] },
      schema: {
        summary: 'Report the actual configuration of an environment',
        tags: ['environments'],
        params: EnvironmentParams,
        body: Body,
        response: { 200: Answer },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      await loadEnvironment(store, request.params.name); // 404 before anything else
      const configSha256 = createHash('sha256').update(canonicalJson(request.body.config)).digest('hex');
      const result = await commands.handle(
        environmentStream(request.params.name),
        { type: 'ReportActualConfig', config: request.body.config, configSha256, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a reported environment exists');
      return reply.header('etag', etagOf(result.revision)).send({
        name: result.state.name,
        configSha256,
        drift: result.state.drift,
        recorded: result.events.map((e) => e.type),
      });
    },
  );
};
