import { FlagDefinition } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { FlagReadDeps } from '../flag-commands.js';

const FlagSummary = z.object({
  key: z.string(),
  definition: FlagDefinition,
  offVariant: z.string(),
  killed: z.boolean(),
  revision: z.number().int(),
  updatedAt: z.string(),
});
const FlagList = z.object({ flags: z.array(FlagSummary), position: z.string() });

/**
 * GET /flags — every flag as the evaluator serves it now, from the in-memory snapshot; `x-flag-set-position` (and
 * `position`) is the global log position the snapshot has reached.
 */
export const flagListRoute: FastifyPluginAsyncZod<FlagReadDeps> = async (app, { snapshot }) => {
  app.get(
    '/flags',
    { schema: { summary: 'List flags', tags: ['flags'], response: { 200: FlagList } } },
    async (_request, reply) => {
      const flags = snapshot.list().map((f) => ({
        key: f.key,
        definition: f.definition,
        offVariant: f.offVariant,
        killed: f.killed,
        revision: Number(f.revision),
        updatedAt: f.updatedAt,
      }));
      const position = String(snapshot.position);
      return reply.header('x-flag-set-position', position).send({ flags, position });
    },
  );
};
