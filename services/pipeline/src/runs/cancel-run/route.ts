import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { RunRouteDeps } from '../run-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { RunParams, RunView } from '../run-view.js';

/** POST /runs/:id/cancel — end a run that will not go further (superseded, abandoned); the reason is required. */
export const cancelRunRoute: FastifyPluginAsyncZod<RunRouteDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/cancel',
    {
      config: { roles: ['release-manager', 'deployment-lead', 'deployer'] },
      schema: {
        summary: 'Cancel a running run (recorded as PipelineRunFailed with the reason)',
        tags: ['runs'],
        params: RunParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const command = { type: 'CancelRun' as const, actor: ctx.actor, at: ctx.now, reason: request.body.reason };
      await handleRunCommand(deps, reply, request.params.id, command, ctx);
      return reply;
    },
  );
};
