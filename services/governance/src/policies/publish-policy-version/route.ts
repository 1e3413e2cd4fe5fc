import { DeploymentPolicyDocument, deploymentPolicyStream, PolicyReason } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { currentVersion } from '../domain/policy.decide.js';
import { type PolicyCommands, PolicyParams, PolicyVersionView, policyVersionView } from '../policy-store.js';

const Body = z.strictObject({
  document: DeploymentPolicyDocument,
  reason: PolicyReason,
  baseVersion: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The version this document was edited from (0 for a new policy): a newer one in force is a 409.'),
});

export interface PublishPolicyVersionDeps {
  commands: PolicyCommands;
  now: () => Date;
}

/** POST /policies/:name/versions — publishes the next version of a deployment policy, with its reason (G3). */
export const publishPolicyVersionRoute: FastifyPluginAsyncZod<PublishPolicyVersionDeps> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/policies/:name/versions',
    {
      config: { roles: ['release-manager', 'admin', 'auditor'] },
      schema: {
        summary: 'Publish a deployment policy version',
        description:
          'The whole document, with the reason it changes (audit finding, regulation, threat, retrospective action). ' +
          '`baseVersion` (or If-Match on the stream revision) refuses a publication edited from an older version.',
        tags: ['policies'],
        params: PolicyParams,
        body: Body,
        response: { 201: PolicyVersionView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name } = request.params;
      const result = await commands.handle(
        deploymentPolicyStream(name),
        { type: 'PublishPolicyVersion', policyName: name, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      const published = currentVersion(result.state)!;
      return reply
        .code(201)
        .header('location', `/policies/${name}/versions/${published.version}`)
        .header('etag', etagOf(result.revision))
        .send(policyVersionView(name, result.state.versions, published));
    },
  );
};
