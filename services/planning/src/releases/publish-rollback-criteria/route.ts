import { RollbackThresholds } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), service: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/) });

/** PUT /releases/:id/rollback-criteria/:service — the thresholds monitoring enforces for a service (P6). */
export const publishRollbackCriteriaRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.put(
    '/releases/:id/rollback-criteria/:service',
    {
      config: { roles: ['release-manager', 'sre'] },
      schema: {
        summary: 'Publish rollback criteria for a service',
        description: 'The thresholds monitoring enforces for a service (P6).',
        tags: ['rollback-criteria'],
        params: Params,
        body: RollbackThresholds,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, service } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'PublishRollbackCriteria',
        actor: ctx.actor,
        at: ctx.now,
        service,
        criteria: request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
