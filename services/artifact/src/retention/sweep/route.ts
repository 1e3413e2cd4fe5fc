import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { ArtifactPolicies } from '../../policies.js';
import { type SweeperDeps, sweepExpired } from '../sweeper.js';

const Outcome = z.object({ name: z.string(), version: z.string(), sha256: z.string(), detail: z.string() });
const Result = z.object({
  at: z.string(),
  swept: z.array(Outcome.extend({ contentDeleted: z.boolean() })),
  skipped: z.array(Outcome.extend({ code: z.string() })),
});

/** What this slice uses, handed over by its capability's routes. */
export interface SweepDeps {
  artifacts: SweeperDeps['artifacts'];
  content: SweeperDeps['content'];
  db: SweeperDeps['db'];
  policies: Pick<ArtifactPolicies, 'retention'>;
  now: () => Date;
}

/** POST /retention/sweep — delete the content of every expired artifact not under legal hold, now (A5). */
export const sweepRoute: FastifyPluginAsyncZod<SweepDeps> = async (app, deps) => {
  app.post(
    '/retention/sweep',
    {
      config: { roles: ['admin', 'sre'] },
      schema: {
        summary: 'Sweep expired content',
        description: 'Content only: the events stay, and downloads of a swept artifact answer 410 with why.',
        tags: ['retention'],
        response: { 200: Result },
      },
    },
    async (request) => {
      const ctx = commandContext(request, { now: deps.now() });
      const outcome = await sweepExpired({ ...deps, retention: deps.policies.retention }, ctx);
      return { at: ctx.now.toISOString(), ...outcome };
    },
  );
};
