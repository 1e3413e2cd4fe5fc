import { type ArtifactEvent, streamName } from '@railyard/contracts';
import type { createCommandHandler, RecordedEvent } from '@railyard/eventstore';
import { v5 as uuidv5 } from 'uuid';
import type { ArtifactCommand } from './artifact.decide.js';
import type { ArtifactState, RegisteredArtifact } from './artifact.js';
import { parseVersion } from './naming.js';

// Name-based ids (RFC 9562 v5): name@version always addresses the same stream, so two uploads of one version race
// on one stream's expected revision instead of creating twins.
const ARTIFACT_NAMESPACE = '2b0f8f6e-5f1e-4c36-9d2a-0a8f3b6c1e01';

/** The stream id of name@version: build metadata is not part of the identity (SemVer precedence ignores it). */
export function artifactIdOf(name: string, version: string): string {
  return uuidv5(`${name}@${parseVersion(version).core}`, ARTIFACT_NAMESPACE);
}
export const artifactStream = (id: string) => streamName('artifact', id);

/**
 * The artifact aggregate's command handler, as the capabilities that act on artifacts (quality, signing, retention)
 * receive it from the composition root. A type only: they never build it, so none imports the artifacts capability.
 */
export type ArtifactHandler = ReturnType<typeof createCommandHandler<ArtifactCommand, ArtifactEvent, ArtifactState>>;

/** name@version folded, with its revision and events. */
export interface LoadedArtifact {
  artifact: RegisteredArtifact;
  revision: bigint;
  events: RecordedEvent[];
}
/** Folds name@version's stream; 404 when it was never registered. Built by the composition root. */
export type LoadArtifact = (name: string, version: string) => Promise<LoadedArtifact>;
