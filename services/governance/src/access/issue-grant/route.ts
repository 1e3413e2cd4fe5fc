import { GovernanceErrorCodes as Codes, GrantScope, grantStream, invalid, Privilege } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { environmentTier } from '@railyard/service-kit/grants';
import type pg from 'pg';
import { z } from 'zod';
import { type GrantCommands, GrantView, grantView } from '../access-store.js';

const Body = z.strictObject({
  principal: z.string().trim().min(1).max(200).describe('The principal id as tokens carry it (`sub`).'),
  privilege: Privilege,
  scope: GrantScope,
  reason: z.string().trim().min(1).max(2000),
  expiresAt: z.iso.datetime({ offset: true }).nullable().default(null).describe('Omitted or null: until revoked.'),
});

export interface IssueGrantDeps {
  grants: GrantCommands;
  pool: pg.Pool;
  now: () => Date;
}

/** POST /grants — gives a principal a privilege on an environment orchestration registered, or on a tier. */
export const issueGrantRoute: FastifyPluginAsyncZod<IssueGrantDeps> = async (app, { grants, pool, now }) => {
  app.post(
    '/grants',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Issue a grant',
        description:
          'The issuer is the caller (admin only). An environment must be one orchestration registered (learnt from ' +
          'its environment events); an expiry must be in the future.',
        tags: ['access'],
        body: Body,
        response: { 201: GrantView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { scope } = request.body;
      if ('environment' in scope && (await environmentTier(pool, 'governance', scope.environment)) === null) {
        throw invalid(
          Codes.GRANT_ENVIRONMENT_UNKNOWN,
          'No environment of this name is registered with orchestration.',
          {
            environment: scope.environment,
          },
        );
      }
      const grantId = newAggregateId(ctx, 'grant');
      const { expiresAt, ...rest } = request.body;
      const result = await grants.handle(
        grantStream(grantId),
        {
          type: 'IssueGrant',
          grantId,
          ...rest,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/grants/${grantId}`)
        .header('etag', etagOf(result.revision))
        .send(grantView(result.state, result.revision, ctx.now));
    },
  );
};
