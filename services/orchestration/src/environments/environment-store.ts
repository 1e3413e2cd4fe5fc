import {
  type EventCatalogue,
  environmentEvents,
  environmentStream,
  notFound,
  OrchestrationErrorCodes,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { environmentDecider, type RegisteredEnvironment } from './domain/environment.decide.js';

export const environmentCatalogue = environmentEvents as unknown as EventCatalogue;

/** The environment aggregate's command handler (`environment-<name>`). */
export const createEnvironmentCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: environmentDecider, catalogue: environmentCatalogue });
export type EnvironmentCommands = ReturnType<typeof createEnvironmentCommands>;

/** The environment folded from its stream, or 404 ORCHESTRATION_ENVIRONMENT_NOT_FOUND. */
export async function loadEnvironment(
  store: EventStore,
  name: string,
): Promise<{ environment: RegisteredEnvironment; revision: bigint }> {
  const loaded = await loadAggregate(store, environmentDecider, environmentCatalogue, environmentStream(name));
  if (!loaded.state.exists) {
    throw notFound(OrchestrationErrorCodes.ENVIRONMENT_NOT_FOUND, `No environment named ${name}.`);
  }
  return { environment: loaded.state, revision: loaded.revision };
}

export interface EnvironmentRouteDeps {
  commands: EnvironmentCommands;
  store: EventStore;
  now: () => Date;
}
