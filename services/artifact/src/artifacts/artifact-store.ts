import { ArtifactErrorCodes, artifactEvents, type EventCatalogue, notFound } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { artifactDecider } from './domain/artifact.decide.js';
import { type ArtifactHandler, artifactIdOf, artifactStream, type LoadArtifact } from './domain/artifact-identity.js';
import type { NamingConventions } from './domain/naming.js';

const catalogue = artifactEvents as unknown as EventCatalogue;

/** The artifact aggregate's command handler under the configured naming conventions. */
export function createArtifactCommands(store: EventStore, naming: NamingConventions): ArtifactHandler {
  return createCommandHandler({ store, decider: artifactDecider(naming), catalogue });
}

/** Loads name@version by folding its stream (the decider's evolve needs no naming convention). */
export function artifactLoader(store: EventStore, naming: NamingConventions): LoadArtifact {
  const decider = artifactDecider(naming);
  return async (name, version) => {
    const loaded = await loadAggregate(store, decider, catalogue, artifactStream(artifactIdOf(name, version)));
    if (!loaded.state.exists) {
      throw notFound(ArtifactErrorCodes.NOT_FOUND, `No artifact ${name}@${version} is registered.`);
    }
    return { artifact: loaded.state, revision: loaded.revision, events: loaded.events };
  };
}
