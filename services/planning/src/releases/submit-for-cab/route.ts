import { RiskContribution, RiskLevel } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { currentRiskPolicy } from '../../risk-policies/risk-policy-commands.js';
import type { OverdueDrills } from '../../rollback-drills/overdue-drills.js';
import { handleReleaseCommand, type ReleaseRouteDeps } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView } from '../release-view.js';

const Body = z.strictObject({ riskPolicyId: z.uuid().describe('The policy whose latest version scores the release.') });
const Submitted = z.object({
  risk: z.object({
    score: z.number(),
    level: RiskLevel,
    quorum: z.number().int().describe('CAB approvals this level needs.'),
    policyId: z.uuid(),
    policyVersion: z.number().int(),
    factors: z
      .array(RiskContribution)
      .describe('contribution = weight × min(measure, cap), per factor; overdueRollbackDrills names its services.'),
  }),
  release: ReleaseView,
});

export interface SubmitForCabDeps extends ReleaseRouteDeps {
  /** Services whose rollback drill governance declared overdue (G6/R2); none when not given. */
  overdueDrills?: OverdueDrills;
}

/** POST /releases/:id/cab-submission — submit a frozen release to the CAB with its explained risk score (P3). */
export const submitForCabRoute: FastifyPluginAsyncZod<SubmitForCabDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/cab-submission',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Submit a release to the CAB',
        description: 'Submit a frozen release to the CAB with its explained risk score (P3).',
        tags: ['cab'],
        params: ReleaseIdParams,
        body: Body,
        response: { 200: Submitted },
      },
    },
    async (request, reply) => {
      const handled = await handleReleaseCommand(deps, request, request.params.id, async (ctx) => ({
        type: 'SubmitForCab',
        actor: ctx.actor,
        at: ctx.now,
        policy: await currentRiskPolicy(deps.store, request.body.riskPolicyId),
        overdueDrills: (await deps.overdueDrills?.()) ?? [],
      }));
      const cab = handled.view.cab;
      if (!cab) throw new TypeError('a submitted release has a CAB round');
      const { score, level, quorum, policyId, policyVersion, factors } = cab;
      return reply
        .header('etag', handled.etag)
        .send({ risk: { score, level, quorum, policyId, policyVersion, factors }, release: handled.view });
    },
  );
};
