import { RiskPolicyRules } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type RiskPolicyRouteDeps, RiskPolicyView, riskPolicyStream, riskPolicyView } from '../risk-policy-commands.js';

const Body = z.strictObject({ name: z.string().trim().min(1).max(200), rules: RiskPolicyRules });

/** POST /risk-policies — a CAB risk policy with its first version (P3). */
export const createRiskPolicyRoute: FastifyPluginAsyncZod<RiskPolicyRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/risk-policies',
    {
      config: { roles: ['release-manager', 'cab-member'] },
      schema: {
        summary: 'Create a risk policy',
        description: 'A CAB risk policy with its first version (P3).',
        tags: ['cab'],
        body: Body,
        response: { 201: RiskPolicyView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const policyId = newAggregateId(ctx, 'risk-policy');
      const result = await commands.handle(
        riskPolicyStream(policyId),
        { type: 'CreateRiskPolicy', actor: ctx.actor, at: ctx.now, policyId, ...request.body },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/risk-policies/${policyId}`)
        .header('etag', etagOf(result.revision))
        .send(riskPolicyView(result.state, result.revision));
    },
  );
};
