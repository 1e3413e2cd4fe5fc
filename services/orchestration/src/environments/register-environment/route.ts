import { createHash } from 'node:crypto';
import {
  EnvironmentTier,
  environmentStream,
  JsonPointer,
  OrchestrationEnvironmentName,
  ServiceNameSchema,
} from '@railyard/contracts';
import { canonicalJson, commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { EnvironmentRouteDeps } from '../environment-store.js';
import { EnvironmentView, environmentView } from '../environment-view.js';

const Body = z.strictObject({
  name: OrchestrationEnvironmentName,
  service: ServiceNameSchema.describe('The service this environment runs: parity compares environments per service.'),
  tier: EnvironmentTier,
  region: z.string().trim().min(1).max(64),
  iac: z.strictObject({
    template: z.string().trim().min(1).max(500),
    version: z.string().trim().min(1).max(100),
    parameters: z.record(z.string(), z.unknown()).describe('The desired configuration.'),
  }),
  driftIgnore: z.array(JsonPointer).max(100).default([]).describe('JSON Pointers drift detection ignores.'),
  ttlMinutes: z.number().int().min(1).max(525_600).nullable().default(null).describe('Ephemeral environments only.'),
  recreate: z
    .strictObject({ cron: z.string().trim().min(1).max(200), timeZone: z.string().min(1).max(64) })
    .nullable()
    .default(null)
    .describe('When the agent should recreate the environment from its IaC source.'),
});

/** POST /environments — an environment with its tier, region and IaC source (E1); TTL and recreate for E4. */
export const registerEnvironmentRoute: FastifyPluginAsyncZod<EnvironmentRouteDeps> = async (app, { commands, now }) => {
  app.post(
    '/environments',
    {
      config: { roles: ['sre'] },
      schema: {
        summary: 'Register an environment',
        tags: ['environments'],
        body: Body,
        response: { 201: EnvironmentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { iac, ...rest } = request.body;
      // The parameter set is stored with its sha256 over canonical JSON, so equal sets hash equally whatever the key order.
      const parametersSha256 = createHash('sha256').update(canonicalJson(iac.parameters)).digest('hex');
      const result = await commands.handle(
        environmentStream(rest.name),
        {
          type: 'RegisterEnvironment',
          ...rest,
          iac: { ...iac, parametersSha256 },
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a registered environment exists');
      return reply
        .code(201)
        .header('location', `/environments/${rest.name}`)
        .header('etag', etagOf(result.revision))
        .send(environmentView(result.state, result.revision));
    },
  );
};
