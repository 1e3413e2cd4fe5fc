import { notFound, PlanningErrorCodes } from '@railyard/contracts';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import {
  loadRiskPolicy,
  RiskPolicyIdParams,
  type RiskPolicyRouteDeps,
  RiskPolicyView,
  riskPolicyView,
} from '../risk-policy-commands.js';

/** GET /risk-policies/:id — the policy and every version it has had. */
export const getRiskPolicyRoute: FastifyPluginAsyncZod<RiskPolicyRouteDeps> = async (app, { store }) => {
  app.get(
    '/risk-policies/:id',
    {
      schema: {
        summary: 'Get a risk policy',
        description: 'The policy and every version it has had.',
        tags: ['cab'],
        params: RiskPolicyIdParams,
        response: { 200: RiskPolicyView },
      },
    },
    async (request, reply) => {
      const { state, revision } = await loadRiskPolicy(store, request.params.id);
      if (!state.exists) throw notFound(PlanningErrorCodes.RISK_POLICY_NOT_FOUND, 'No risk policy with this id.');
      return reply.header('etag', etagOf(revision)).send(riskPolicyView(state, revision));
    },
  );
};
