import { RiskPolicyRules } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  RiskPolicyIdParams,
  type RiskPolicyRouteDeps,
  RiskPolicyView,
  riskPolicyStream,
  riskPolicyView,
} from '../risk-policy-commands.js';

/** POST /risk-policies/:id/versions — a new version of the weights and levels; earlier versions stay on record. */
export const publishRiskPolicyVersionRoute: FastifyPluginAsyncZod<RiskPolicyRouteDeps> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/risk-policies/:id/versions',
    {
      config: { roles: ['release-manager', 'cab-member'] },
      schema: {
        summary: 'Publish a risk policy version',
        description: 'A new version of the weights and levels; earlier versions stay on record.',
        tags: ['cab'],
        params: RiskPolicyIdParams,
        body: z.strictObject({ rules: RiskPolicyRules }),
        response: { 201: RiskPolicyView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        riskPolicyStream(request.params.id),
        { type: 'PublishRiskPolicyVersion', actor: ctx.actor, at: ctx.now, rules: request.body.rules },
        ctx,
      );
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .send(riskPolicyView(result.state, result.revision));
    },
  );
};
