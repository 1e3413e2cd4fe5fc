import { Roles } from '@railyard/contracts';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { PipelineRouteDeps } from '../../pipeline-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { Reason, RunView, StageParams } from '../run-view.js';

/** POST /runs/:id/stages/:stage/approvals — approve the promotion the approval stage guards (L1/L2). */
export const approveRoute: FastifyPluginAsyncZod<PipelineRouteDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/stages/:stage/approvals',
    {
      // Any authenticated role may try: the stage's approver groups and separation of duties decide.
      config: { roles: Roles },
      schema: {
        summary: 'Approve the current approval stage (not by the trigger nor the change author)',
        tags: ['runs'],
        params: StageParams,
        body: z.strictObject({ reason: Reason }).nullish(),
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage } = request.params;
      await handleRunCommand(
        deps,
        reply,
        id,
        { type: 'Approve', actor: ctx.actor, at: ctx.now, stage, reason: request.body?.reason },
        ctx,
      );
      return reply;
    },
  );

  app.post(
    '/runs/:id/stages/:stage/approval-request',
    {
      config: { roles: ['release-manager', 'deployment-lead', 'deployer'] },
      schema: {
        summary: 'Ask again for an approval whose request expired (approvals given before do not carry over)',
        tags: ['runs'],
        params: StageParams,
        body: z.strictObject({ reason: Reason }).nullish(),
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage } = request.params;
      const command = {
        type: 'RenewApproval' as const,
        actor: ctx.actor,
        at: ctx.now,
        stage,
        reason: request.body?.reason,
      };
      await handleRunCommand(deps, reply, id, command, ctx);
      return reply;
    },
  );
};
