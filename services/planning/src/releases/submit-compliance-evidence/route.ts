import { newAggregateId } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { CreatedInRelease, handleReleaseCommand, type ReleaseRouteDeps, sendCreated } from '../release-commands.js';

const Params = z.strictObject({ id: z.uuid(), requirementId: z.uuid() });
const Body = z.strictObject({
  link: z.url().max(2000).describe('Where the evidence can be read.'),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .describe('sha256 of the evidence, as sha256:<hex>.'),
});

/** POST /releases/:id/compliance-requirements/:requirementId/evidence — submit evidence (P5). */
export const submitComplianceEvidenceRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/compliance-requirements/:requirementId/evidence',
    {
      config: { roles: ['release-manager', 'developer', 'sre', 'product-owner'] },
      schema: {
        summary: 'Submit compliance evidence',
        description: 'Submit evidence (P5).',
        tags: ['compliance'],
        params: Params,
        body: Body,
        response: { 201: CreatedInRelease },
      },
    },
    async (request, reply) => {
      const { id, requirementId } = request.params;
      let evidenceId = '';
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => {
        evidenceId = newAggregateId(ctx, 'compliance-evidence');
        return { type: 'SubmitEvidence', actor: ctx.actor, at: ctx.now, requirementId, evidenceId, ...request.body };
      });
      return sendCreated(
        reply,
        handled,
        'evidenceId',
        evidenceId,
        (e) => `/releases/${id}/compliance-requirements/${requirementId}/evidence/${e}`,
      );
    },
  );
};
