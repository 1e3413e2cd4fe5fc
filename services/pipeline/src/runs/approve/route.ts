import { PipelineErrorCodes, Roles } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import type { GrantLedger } from '../../grants/grant-ledger.js';
import { loadRun, type RunRouteDeps } from '../run-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { Reason, RunView, StageParams } from '../run-view.js';

/**
 * POST /runs/:id/stages/:stage/approvals — approve the promotion the approval stage guards (L1/L2). For a prod-tier
 * environment the approver must also hold an `approve` grant covering it at the service clock's now (G2, learnt by
 * `pipeline--grants`): without one, 403 PIPELINE_GRANT_REQUIRED and nothing is appended. The grant is asked before
 * the run's rules (authorisation first); separation of duties and the approver groups still apply after it.
 */
export interface ApproveDeps extends RunRouteDeps {
  store: EventStore;
  /** Governance's grants as this service learnt them (approvals into prod-tier environments need `approve`). */
  grants: GrantLedger;
}

export const approveRoute: FastifyPluginAsyncZod<ApproveDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/stages/:stage/approvals',
    {
      // Any authenticated role may try: the grant (prod tier), the approver groups and separation of duties decide.
      config: { roles: Roles },
      schema: {
        summary: 'Approve the current approval stage (not by the trigger nor the change author)',
        description:
          'For a prod-tier environment the approver needs an `approve` grant from governance covering it now; a ' +
          'token role alone is not enough (403 `PIPELINE_GRANT_REQUIRED`).',
        tags: ['runs'],
        params: StageParams,
        body: z.strictObject({ reason: Reason }).nullish(),
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage } = request.params;
      const def = (await loadRun(deps.store, id)).run.stages[stage];
      if (def?.kind === 'approval') {
        const q = { principal: ctx.actor.id, privilege: 'approve' as const, environment: def.environment, at: ctx.now };
        const { required, grant } = await deps.grants.held(q);
        if (required && !grant) {
          throw new HttpProblem(
            403,
            PipelineErrorCodes.GRANT_REQUIRED,
            `Approving a promotion into ${def.environment} needs an approve grant; ${ctx.actor.id} holds none now.`,
            { principal: ctx.actor.id, privilege: 'approve', environment: def.environment },
          );
        }
      }
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
