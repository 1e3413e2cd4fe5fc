import { TargetingRule } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { segmentRefs } from '../domain/flag-set.js';
import type { FlagReadDeps } from '../flag-commands.js';

const SegmentList = z.object({
  segments: z.array(z.object({ name: z.string(), rule: TargetingRule, usedBy: z.array(z.string()) })),
});

/** GET /segments — every segment, with the flags that refer to it (from the snapshot). */
export const segmentListRoute: FastifyPluginAsyncZod<FlagReadDeps> = async (app, { snapshot }) => {
  app.get(
    '/segments',
    { schema: { summary: 'List segments', tags: ['flags'], response: { 200: SegmentList } } },
    async () => {
      const flags = snapshot.list();
      const segments = Object.entries(snapshot.segmentRules())
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, rule]) => ({
          name,
          rule,
          usedBy: flags.filter((f) => segmentRefs(f.definition.targeting).includes(name)).map((f) => f.key),
        }));
      return { segments };
    },
  );
};
