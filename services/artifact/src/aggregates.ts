import { artifactEvents, bundleEvents, type EventCatalogue, signingKeyEvents } from '@railyard/contracts';
import { evolveArtifact, initialArtifactState } from './artifacts/domain/artifact.js';
import { bundleDecider } from './bundles/domain/bundle.decide.js';
import { artifactCatalogProjection } from './catalog/projection.js';
import { signingKeyDecider } from './signing/domain/signing-key.decide.js';

/**
 * What tools outside the service (the railyard CLI, DESIGN §9 F1) need to replay artifact's history: per stream
 * category, the decider's fold and the catalogue that upcasts stored events; and the projections a rebuild can replay.
 * The artifact decider is built from the naming conventions, but its fold does not depend on them.
 */
export const artifactAggregates = [
  {
    category: 'artifact',
    initialState: initialArtifactState,
    evolve: evolveArtifact,
    catalogue: artifactEvents as unknown as EventCatalogue,
  },
  {
    category: 'bundle',
    initialState: bundleDecider.initialState,
    evolve: bundleDecider.evolve,
    catalogue: bundleEvents as unknown as EventCatalogue,
  },
  {
    category: 'signingKey',
    initialState: signingKeyDecider.initialState,
    evolve: signingKeyDecider.evolve,
    catalogue: signingKeyEvents as unknown as EventCatalogue,
  },
] as const;

/** Artifact's projections, each with the name, schema, filter, fold and reset a rebuild needs. */
export const artifactProjections = [artifactCatalogProjection] as const;
