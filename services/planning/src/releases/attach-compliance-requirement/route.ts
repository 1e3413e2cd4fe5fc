import { ComplianceControl } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { CreatedInRelease, handleReleaseCommand, type ReleaseRouteDeps, sendCreated } from '../release-commands.js';
import { ReleaseIdParams } from '../release-view.js';

const Body = z.strictObject({
  control: ComplianceControl,
  name: z.string().trim().min(1).max(200),
  region: z.string().trim().min(1).max(64).optional().describe('Required for data-residency.'),
  mandatory: z.boolean(),
});

/** POST /releases/:id/compliance-requirements — attach a requirement before the freeze (P5). */
export const attachComplianceRequirementRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/compliance-requirements',
    {
      config: { roles: ['release-manager', 'auditor'] },
      schema: {
        summary: 'Attach a compliance requirement',
        description: 'Attach a requirement before the freeze (P5).',
        tags: ['compliance'],
        params: ReleaseIdParams,
        body: Body,
        response: { 201: CreatedInRelease },
      },
    },
    async (request, reply) => {
      let requirementId = '';
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => {
        requirementId = newAggregateId(ctx, 'compliance-requirement');
        return { type: 'AttachRequirement', actor: ctx.actor, at: ctx.now, requirementId, ...request.body };
      });
      return sendCreated(
        reply,
        handled,
        'requirementId',
        requirementId,
        (r) => `/releases/${request.params.id}/compliance-requirements/${r}`,
      );
    },
  );
};
