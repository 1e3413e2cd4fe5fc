import { JourneyDefinition, journeyStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { JourneyCommands } from '../journey-commands.js';

export const JourneyName = z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'a lowercase journey name (letters, digits, _)');

/** PUT /journeys/:name — defines (or replaces) a synthetic journey. */
export const defineJourneyRoute: FastifyPluginAsyncZod<{ commands: JourneyCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.put(
    '/journeys/:name',
    {
      config: { roles: ['sre'] },
      schema: {
        summary: 'Define a synthetic journey',
        description:
          'Steps run in order; `{{var}}` in a URL, header value or body string takes a journey variable or one an ' +
          'earlier step extracted (JSONPath on the body, or a header). A step that uses a variable nothing defines ' +
          'by then is refused (422 `MONITORING_JOURNEY_VARIABLE_UNKNOWN`).',
        tags: ['journeys'],
        params: z.strictObject({ name: JourneyName }),
        body: JourneyDefinition,
        response: { 200: z.object({ name: z.string(), steps: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { name } = request.params;
      const result = await commands.handle(
        journeyStream(name),
        { type: 'DefineJourney', actor: ctx.actor, name, definition: request.body },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send({ name, steps: request.body.steps.length });
    },
  );
};
