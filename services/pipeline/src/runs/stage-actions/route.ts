import { PipelineErrorCodes } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { type PromotionDeps, promotionInputs } from '../promotion.js';
import { loadRun, type RunRouteDeps, runStream } from '../run-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { Reason, RunView, runView, StageParams } from '../run-view.js';

const ClaimBody = z.strictObject({ reason: Reason }).nullish();
const ResultBody = z.strictObject({
  outcome: z.enum(['passed', 'failed']),
  detailsUrl: z.url().max(2000).optional(),
  reason: Reason,
});
// Executors are systems (API keys) or people holding the deployer role.
const executors = { roles: ['deployer'] as const };

/** Claim and report a stage (L2): claiming a deploy stage is the promotion, decided by the gates. */
export const stageActionsRoute: FastifyPluginAsyncZod<RunRouteDeps & PromotionDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/stages/:stage/claim',
    {
      config: executors,
      schema: {
        summary: 'Claim the current stage (a deploy stage: promote, if every gate passes)',
        tags: ['runs'],
        params: StageParams,
        body: ClaimBody,
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage } = request.params;
      const { run } = await loadRun(deps.store, id);
      const def = run.stages[stage];
      const promotion =
        def?.kind === 'deploy' && run.current === stage && run.status === 'running'
          ? await promotionInputs(deps, run, def.environment, ctx.now)
          : undefined;
      const command = {
        type: 'ClaimStage' as const,
        actor: ctx.actor,
        at: ctx.now,
        reason: request.body?.reason,
        stage,
        promotion,
      };
      const result = await deps.commands.handle(runStream(id), command, ctx);
      const blocked = result.events.find((e) => e.type === 'PromotionBlocked');
      if (blocked) {
        // The refusal is on the record (PromotionBlocked); the client gets the gates that decided it.
        throw new HttpProblem(409, PipelineErrorCodes.PROMOTION_BLOCKED, String(blocked.data.reason), {
          gates: blocked.data.gates,
        });
      }
      if (!result.state.exists) throw new Error('unreachable: a claimed run exists');
      return reply.header('etag', etagOf(result.revision)).send(runView(result.state, result.revision));
    },
  );

  app.post(
    '/runs/:id/stages/:stage/result',
    {
      config: executors,
      schema: {
        summary: 'Report the result of a claimed stage',
        tags: ['runs'],
        params: StageParams,
        body: ResultBody,
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
        { type: 'ReportStage', actor: ctx.actor, at: ctx.now, stage, ...request.body },
        ctx,
      );
      return reply;
    },
  );
};
