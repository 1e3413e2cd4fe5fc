import { bookingCalendarStream, DatasetName, OrchestrationEnvironmentName, ReleasePhase } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { DatasetPolicyView } from '../../data-policy/domain/data-policy.js';
import type { RegisteredEnvironment } from '../../environments/domain/environment.decide.js';
import type { BookingCommands } from '../booking-store.js';
import { BookingView, bookingView } from '../booking-view.js';

const Params = z.strictObject({ name: OrchestrationEnvironmentName });
const Body = z.strictObject({
  releaseId: z.string().trim().min(1).max(200),
  phase: ReleasePhase,
  from: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }),
  datasets: z
    .array(DatasetName)
    .max(50)
    .default([])
    .describe('Datasets the release loads: checked by the data policy.'),
  whenBusy: z
    .enum(['refuse', 'queue'])
    .default('refuse')
    .describe('refuse: 409 naming the conflicting booking; queue: wait in line (oldest first).'),
});

export interface BookEnvironmentDeps {
  commands: BookingCommands;
  store: EventStore;
  now: () => Date;
  /** The environment, or 404 (from the environments capability). */
  loadEnvironment(store: EventStore, name: string): Promise<{ environment: RegisteredEnvironment }>;
  /** The named datasets, or 422 for an unknown one (from the data-policy capability). */
  loadDatasets(store: EventStore, names: readonly string[]): Promise<DatasetPolicyView[]>;
}

/** POST /environments/:name/bookings — a release phase reserves the environment for a time range (E2, E3). */
export const bookEnvironmentRoute: FastifyPluginAsyncZod<BookEnvironmentDeps> = async (app, deps) => {
  const { commands, store, now } = deps;
  app.post(
    '/environments/:name/bookings',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Book an environment for a release phase',
        description: '201 when confirmed, 202 when queued behind a conflicting booking (whenBusy=queue).',
        tags: ['bookings'],
        params: Params,
        body: Body,
        response: { 201: BookingView, 202: BookingView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { environment } = await deps.loadEnvironment(store, request.params.name);
      const { whenBusy, datasets: names, ...rest } = request.body;
      const datasets = await deps.loadDatasets(store, names);
      const bookingId = newAggregateId(ctx, `booking:${environment.name}`);
      const result = await commands.handle(
        bookingCalendarStream(environment.name),
        {
          type: 'Book',
          environment: { name: environment.name, tier: environment.tier, tornDown: environment.tornDownAt !== null },
          request: {
            bookingId,
            ...rest,
            datasets: names,
            // Normalised to UTC so the calendar compares and shows one form.
            from: new Date(rest.from).toISOString(),
            until: new Date(rest.until).toISOString(),
            bookedBy: ctx.actor.id,
            requestedAt: ctx.now.toISOString(),
          },
          datasets,
          whenBusy,
          now: ctx.now,
        },
        ctx,
      );
      const booking = result.state.bookings.find((b) => b.bookingId === bookingId);
      if (!booking) throw new TypeError('a booked booking exists');
      return reply
        .code(booking.status === 'queued' ? 202 : 201)
        .header('location', `/environments/${environment.name}/bookings/${bookingId}`)
        .header('etag', etagOf(result.revision))
        .send(bookingView(environment.name, booking));
    },
  );
};
