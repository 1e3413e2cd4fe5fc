import { projectionLagHeaders } from '@railyard/readmodels';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { ReleaseBoardsDeps } from '../release-boards/deps.js';
import { ReleaseIdParams } from '../release-view.js';

const Requirement = z.object({
  requirementId: z.uuid(),
  control: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  mandatory: z.boolean(),
  evidence: z.object({ pending: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  met: z.boolean(),
});
const Status = z.object({
  releaseId: z.uuid(),
  mandatoryUnmet: z.number().int().describe('CAB approval is refused while this is above zero.'),
  requirements: z.array(Requirement),
});

/** GET /releases/:id/compliance-status — each requirement with its evidence counts, from the projection (P5). */
export const complianceStatusRoute: FastifyPluginAsyncZod<ReleaseBoardsDeps> = async (app, { db, runner }) => {
  app.get(
    '/releases/:id/compliance-status',
    {
      schema: {
        summary: 'Compliance status of a release',
        description: 'Each requirement with its evidence counts, from the projection (P5).',
        tags: ['read-models'],
        params: ReleaseIdParams,
        response: { 200: Status },
      },
    },
    async (request, reply) => {
      const [rows, lag] = await Promise.all([
        db
          .selectFrom('planning.compliance_status')
          .selectAll()
          .where('release_id', '=', request.params.id)
          .orderBy('requirement_id')
          .execute(),
        projectionLagHeaders(runner),
      ]);
      const requirements = rows.map((r) => ({
        requirementId: r.requirement_id,
        control: r.control,
        name: r.name,
        region: r.region,
        mandatory: r.mandatory,
        evidence: { pending: r.pending_evidence, accepted: r.accepted_evidence, rejected: r.rejected_evidence },
        met: r.accepted_evidence > 0,
      }));
      return reply.headers({ ...lag }).send({
        releaseId: request.params.id,
        mandatoryUnmet: requirements.filter((r) => r.mandatory && !r.met).length,
        requirements,
      });
    },
  );
};
