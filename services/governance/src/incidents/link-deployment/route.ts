import { GovernanceErrorCodes as Codes, incidentStream, invalid, LinkRole } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { type IncidentCommands, IncidentParams, IncidentView, incidentView } from '../incident-commands.js';

const Body = z.strictObject({
  deploymentId: z.uuid(),
  role: LinkRole.default('cause').describe(
    'cause: the deployment is attributed the incident; remediation: it fixed it.',
  ),
  reason: z.string().trim().min(1).max(2000),
});

export interface LinkDeploymentDeps {
  commands: IncidentCommands;
  pool: pg.Pool;
  now: () => Date;
}

/** POST /incidents/:id/links — attributes the incident to a deployment governance knows, with a reason (G4). */
export const linkDeploymentRoute: FastifyPluginAsyncZod<LinkDeploymentDeps> = async (app, { commands, pool, now }) => {
  app.post(
    '/incidents/:id/links',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Link an incident to a deployment',
        tags: ['incidents'],
        params: IncidentParams,
        body: Body,
        response: { 200: IncidentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      // Known deployments are those orchestration's events brought (reporting.deployments); a link to anything else
      // would count a failure nobody can trace.
      const { rowCount } = await pool.query('SELECT 1 FROM reporting.deployments WHERE deployment_id = $1', [
        request.body.deploymentId,
      ]);
      if (!rowCount) {
        throw invalid(Codes.DEPLOYMENT_UNKNOWN, 'No deployment with this id is known.', {
          deploymentId: request.body.deploymentId,
        });
      }
      const result = await commands.handle(
        incidentStream(request.params.id),
        { type: 'LinkDeployment', ...request.body, actor: ctx.actor.id },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(incidentView(result.state, result.revision));
    },
  );
};
