import { DependencyKind, DependencyNode } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { CreatedInRelease, handleReleaseCommand, type ReleaseRouteDeps, sendCreated } from '../release-commands.js';
import { ReleaseIdParams } from '../release-view.js';

const Body = z.strictObject({
  from: DependencyNode.describe('Who needs the other side: a team, or a team’s service.'),
  to: DependencyNode,
  kind: DependencyKind,
  owner: z.string().trim().min(1).max(200).describe('Who answers for delivering the dependency.'),
  blocking: z.boolean().default(true).describe('Whether it stops the freeze until ready.'),
});

/** POST /releases/:id/dependencies — an edge of the release's dependency graph (P2); a cycle is refused. */
export const declareDependencyRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.post(
    '/releases/:id/dependencies',
    {
      config: { roles: ['release-manager', 'product-owner', 'developer'] },
      schema: {
        summary: 'Declare a dependency',
        description: "An edge of the release's dependency graph (P2); a cycle is refused.",
        tags: ['dependencies'],
        params: ReleaseIdParams,
        body: Body,
        response: { 201: CreatedInRelease },
      },
    },
    async (request, reply) => {
      let dependencyId = '';
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => {
        dependencyId = newAggregateId(ctx, 'dependency');
        return { type: 'DeclareDependency', actor: ctx.actor, at: ctx.now, dependencyId, ...request.body };
      });
      return sendCreated(
        reply,
        handled,
        'dependencyId',
        dependencyId,
        (d) => `/releases/${request.params.id}/dependencies/${d}`,
      );
    },
  );
};
