import {
  ArtifactErrorCodes,
  artifactEvents,
  bundleEvents,
  type EventCatalogue,
  notFound,
  signingKeyEvents,
  streamName,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { Kysely } from 'kysely';
import { v5 as uuidv5 } from 'uuid';
import { bundleDecider } from '../bundles/domain/bundle.decide.js';
import type { ArtifactCatalogDb } from '../catalog/projection.js';
import type { ContentStore } from '../content/content-store.js';
import type { LicensePolicy } from '../quality/license-policy.js';
import type { RetentionPolicy } from '../retention/domain/retention.js';
import { signingKeyDecider } from '../signing/domain/signing-key.decide.js';
import type { KeyVault } from '../signing/key-vault.js';
import { artifactDecider } from './domain/artifact.decide.js';
import type { RegisteredArtifact } from './domain/artifact.js';
import type { StagePolicy } from './domain/gates.js';
import { type NamingConventions, parseVersion } from './domain/naming.js';

// Name-based ids (RFC 9562 v5): name@version always addresses the same stream, so two uploads of one version race
// on one stream's expected revision instead of creating twins.
const ARTIFACT_NAMESPACE = '2b0f8f6e-5f1e-4c36-9d2a-0a8f3b6c1e01';
const BUNDLE_NAMESPACE = '7c1d9a3e-2b4f-4e8a-b6d5-3f2e1a0c9b87';

/** The stream id of name@version: build metadata is not part of the identity (SemVer precedence ignores it). */
export function artifactIdOf(name: string, version: string): string {
  return uuidv5(`${name}@${parseVersion(version).core}`, ARTIFACT_NAMESPACE);
}
export const bundleIdOf = (name: string, version: string) => uuidv5(`${name}@${version}`, BUNDLE_NAMESPACE);

export const artifactStream = (id: string) => streamName('artifact', id);
export const bundleStream = (id: string) => streamName('bundle', id);
export const signingKeyStream = (id: string) => streamName('signingKey', id);

/** The policies the service runs under, from configuration. */
export interface ArtifactPolicies {
  naming: NamingConventions;
  stages: Record<string, StagePolicy>;
  licenses: LicensePolicy;
  retention: RetentionPolicy;
  maxUploadBytes: number;
  /** Kinds whose artifacts may be empty (0 bytes); for any other kind an empty upload is a mistake (422). */
  emptyContentKinds?: readonly string[];
}

/** The command handlers of the service's three aggregates. */
export function createArtifactCommands(store: EventStore, naming: NamingConventions) {
  const decider = artifactDecider(naming);
  return {
    decider,
    artifacts: createCommandHandler({ store, decider, catalogue: artifactEvents as unknown as EventCatalogue }),
    bundles: createCommandHandler({
      store,
      decider: bundleDecider,
      catalogue: bundleEvents as unknown as EventCatalogue,
    }),
    keys: createCommandHandler({
      store,
      decider: signingKeyDecider,
      catalogue: signingKeyEvents as unknown as EventCatalogue,
    }),
  };
}
export type ArtifactCommands = ReturnType<typeof createArtifactCommands>;

/** What every route plugin of the service receives from the composition root. */
export interface ArtifactRouteDeps {
  store: EventStore;
  commands: ArtifactCommands;
  content: ContentStore;
  vault: KeyVault;
  policies: ArtifactPolicies;
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  /** The clock: injected so tests and replays control time. */
  now: () => Date;
}

/** Folds name@version's stream; 404 when it was never registered. */
export async function loadArtifact(
  deps: Pick<ArtifactRouteDeps, 'store' | 'commands'>,
  name: string,
  version: string,
): Promise<{
  artifact: RegisteredArtifact;
  revision: bigint;
  events: Awaited<ReturnType<typeof loadAggregate>>['events'];
}> {
  const loaded = await loadAggregate(
    deps.store,
    deps.commands.decider,
    artifactEvents as unknown as EventCatalogue,
    artifactStream(artifactIdOf(name, version)),
  );
  if (!loaded.state.exists) {
    throw notFound(ArtifactErrorCodes.NOT_FOUND, `No artifact ${name}@${version} is registered.`);
  }
  return { artifact: loaded.state, revision: loaded.revision, events: loaded.events };
}
