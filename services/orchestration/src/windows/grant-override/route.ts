import { OrchestrationEnvironmentName, ServiceNameSchema, windowOverrideStream } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { OverrideCommands } from '../calendar-store.js';

const Body = z.strictObject({
  service: ServiceNameSchema,
  environment: OrchestrationEnvironmentName,
  from: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
  until: z.iso.datetime({ offset: true }),
  reason: z.string().trim().min(1).max(2000).describe('Why the windows are overridden: required, on the record.'),
});
const OverrideView = z.object({
  id: z.uuid(),
  service: z.string(),
  environment: z.string(),
  from: z.string(),
  until: z.string(),
  reason: z.string(),
  grantedBy: z.string(),
});

/** POST /windows/overrides — an emergency override of the windows: deployment-lead or admin, with a reason (O3). */
export const grantOverrideRoute: FastifyPluginAsyncZod<{ commands: OverrideCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/windows/overrides',
    {
      config: { roles: ['deployment-lead'] },
      schema: {
        summary: 'Grant an emergency override of the deployment windows',
        tags: ['windows'],
        body: Body,
        response: { 201: OverrideView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const overrideId = newAggregateId(ctx, 'window-override');
      const { from, until, ...rest } = request.body;
      const result = await commands.handle(
        windowOverrideStream(overrideId),
        {
          type: 'GrantEmergencyOverride',
          overrideId,
          ...rest,
          from: from ? new Date(from) : ctx.now,
          until: new Date(until),
          actor: ctx.actor,
        },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('a granted override exists');
      const { exists: _e, overrideId: id, ...grant } = result.state;
      return reply.code(201).send({ id, ...grant });
    },
  );
};
