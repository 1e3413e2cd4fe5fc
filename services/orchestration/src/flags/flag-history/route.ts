import { Actor, FlagErrorCodes, notFound } from '@railyard/contracts';
import { etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { FlagKeyParams, type FlagRouteDeps, loadFlag } from '../flag-commands.js';

const HistoryEntry = z.object({
  revision: z.number().int(),
  eventId: z.uuid(),
  type: z.string(),
  at: z.string(),
  actor: Actor,
  reason: z.string(),
  change: z.record(z.string(), z.unknown()).describe('The event’s data, without key and reason.'),
});
const History = z.object({ key: z.string(), changes: z.array(HistoryEntry) });

/** GET /flags/:key/history — every change to the flag, oldest first, with who made it and why (audit). */
export const flagHistoryRoute: FastifyPluginAsyncZod<Pick<FlagRouteDeps, 'store'>> = async (app, { store }) => {
  app.get(
    '/flags/:key/history',
    {
      schema: {
        summary: "A flag's history",
        description: 'Read from the flag’s stream; `railyard state flag-<key> --at T` shows the definition at T.',
        tags: ['flags'],
        params: FlagKeyParams,
        response: { 200: History },
      },
    },
    async (request, reply) => {
      const { state, revision, events } = await loadFlag(store, request.params.key);
      if (!state.exists) throw notFound(FlagErrorCodes.FLAG_NOT_FOUND, 'No flag with this key.');
      const changes = events.map((event) => {
        const { key: _key, reason, ...change } = event.data as { key: string; reason: string };
        return {
          revision: Number(event.revision),
          eventId: event.id,
          type: event.type,
          at: event.metadata.occurredAt,
          actor: event.metadata.actor,
          reason,
          change,
        };
      });
      return reply.header('etag', etagOf(revision)).send({ key: state.key, changes });
    },
  );
};
