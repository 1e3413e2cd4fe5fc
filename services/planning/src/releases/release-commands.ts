import { type EventCatalogue, releaseEvents, streamName } from '@railyard/contracts';
import { type CommandContext, createCommandHandler, type EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type ReleaseCommand, releaseDecider } from './domain/release.decide.js';
import { ReleaseView, releaseView } from './release-view.js';

/** The release aggregate's command handler and stream naming, shared by the release slices. */
export function createReleaseCommands(store: EventStore) {
  return createCommandHandler({
    store,
    decider: releaseDecider,
    catalogue: releaseEvents as unknown as EventCatalogue,
  });
}
export type ReleaseCommands = ReturnType<typeof createReleaseCommands>;

export const releaseStream = (id: string) => streamName('release', id);

/** What every release route plugin receives from the composition root. */
export interface ReleaseRouteDeps {
  commands: ReleaseCommands;
  store: EventStore;
  /** The clock: injected so tests and replays control time. */
  now: () => Date;
}

type Request = Parameters<typeof commandContext>[0];
/** The little of a fastify reply these helpers use (the service depends on fastify only through the service kit). */
interface Reply<R> {
  code(status: number): R;
  header(name: string, value: string): R;
  send(payload: unknown): R;
}

/** The response of a command that creates something inside a release: its id, and the release after it. */
export const CreatedInRelease = schemaComponent('CreatedInRelease', z.object({ id: z.string(), release: ReleaseView }));

/**
 * The glue every release command route shares: context from the request (actor, clock, If-Match, Idempotency-Key),
 * the command handled on the release's stream, the ETag set, the release view returned.
 */
export async function handleReleaseCommand(
  deps: ReleaseRouteDeps,
  request: Request,
  releaseId: string,
  build: (ctx: CommandContext) => ReleaseCommand | Promise<ReleaseCommand>,
) {
  const ctx = commandContext(request, { now: deps.now() });
  const result = await deps.commands.handle(releaseStream(releaseId), await build(ctx), ctx);
  return { result, ctx, view: releaseView(result.state, result.revision), etag: etagOf(result.revision) };
}

/** Sends a release after a command (200), with its ETag. */
export function sendRelease<R extends Reply<R>>(reply: R, handled: { view: ReleaseView; etag: string }): R {
  return reply.header('etag', handled.etag).send(handled.view);
}

/**
 * Sends 201 for something created inside a release. On an idempotent replay the id is the one the first execution
 * recorded (read from its events under `idField`), not the fresh one this request generated.
 */
export function sendCreated<R extends Reply<R>>(
  reply: R,
  handled: { view: ReleaseView; etag: string; result: { events: { data: Record<string, unknown> }[] } },
  idField: string,
  freshId: string,
  location: (id: string) => string,
): R {
  const id = (handled.result.events[0]?.data[idField] as string | undefined) ?? freshId;
  return reply
    .code(201)
    .header('location', location(id))
    .header('etag', handled.etag)
    .send({ id, release: handled.view });
}
