import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseView } from '../release-view.js';

const Params = z.strictObject({ id: z.uuid(), requirementId: z.uuid(), evidenceId: z.uuid() });
const Body = z.strictObject({
  verdict: z.enum(['accepted', 'rejected']),
  note: z.string().trim().min(1).max(1000).optional(),
});

/** POST …/evidence/:evidenceId/review — a reviewer (never the submitter) accepts or rejects evidence (P5). */
export const reviewComplianceEvidenceRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/compliance-requirements/:requirementId/evidence/:evidenceId/review',
    {
      config: { roles: ['auditor', 'cab-member', 'release-manager'] },
      schema: {
        summary: 'Review compliance evidence',
        description: 'A reviewer (never the submitter) accepts or rejects evidence (P5).',
        tags: ['compliance'],
        params: Params,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { id, requirementId, evidenceId } = request.params;
      const handled = await handleReleaseCommand(deps, request, id, (ctx) => ({
        type: 'ReviewEvidence',
        actor: ctx.actor,
        at: ctx.now,
        requirementId,
        evidenceId,
        ...request.body,
      }));
      return sendRelease(reply, handled);
    },
  );
};
