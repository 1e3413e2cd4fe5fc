import { SegmentName, TargetingRule } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { segmentRefs } from '../domain/flag-set.js';
import { ChangeReason, type SegmentCommands, segmentStream } from '../flag-commands.js';
import type { FlagSnapshot } from '../flag-snapshot.js';

const Params = z.strictObject({ name: SegmentName });
const Body = z.strictObject({
  rule: TargetingRule,
  description: z.string().max(1000).optional(),
  reason: ChangeReason,
});
const SegmentView = schemaComponent(
  'Segment',
  z.object({
    name: z.string(),
    rule: TargetingRule,
    revision: z.number().int(),
    affectedFlags: z.array(z.string()),
  }),
);

export interface PutSegmentDeps {
  commands: SegmentCommands;
  snapshot: FlagSnapshot;
  now: () => Date;
}

/**
 * PUT /segments/:name — define or replace a segment (a named rule flags use as {"$ref": name}). The flags that
 * refer to it must stay valid, and the event lists them. They are read from the snapshot, which trails the store
 * by milliseconds: a flag defined in that instant is not listed (its own definition already saw the old rule).
 */
export const putSegmentRoute: FastifyPluginAsyncZod<PutSegmentDeps> = async (app, { commands, snapshot, now }) => {
  app.put(
    '/segments/:name',
    {
      config: { roles: ['developer', 'release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Define or change a segment',
        tags: ['flags'],
        params: Params,
        body: Body,
        response: { 200: SegmentView, 201: SegmentView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name } = request.params;
      const dependents = Object.fromEntries(
        snapshot
          .list()
          .filter((f) => segmentRefs(f.definition.targeting).includes(name))
          .map((f) => [f.key, f]),
      );
      const result = await commands.handle(
        segmentStream(name),
        {
          type: 'PutSegment',
          actor: ctx.actor,
          at: ctx.now,
          name,
          ...request.body,
          dependents,
          segments: snapshot.segmentRules(),
        },
        ctx,
      );
      const event = result.events.at(-1);
      const affectedFlags = (event?.data as { affectedFlags?: string[] } | undefined)?.affectedFlags ?? [];
      if (!result.state.exists) throw new TypeError('a put segment leaves a segment');
      return reply
        .code(event?.type === 'SegmentDefined' ? 201 : 200)
        .header('etag', etagOf(result.revision))
        .send({ name, rule: result.state.rule, revision: Number(result.revision), affectedFlags });
    },
  );
};
