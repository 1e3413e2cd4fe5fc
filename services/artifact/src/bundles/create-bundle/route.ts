import { artifactEvents, DomainError, type EventCatalogue } from '@railyard/contracts';
import { loadAggregate } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import {
  type ArtifactRouteDeps,
  artifactIdOf,
  artifactStream,
  bundleIdOf,
  bundleStream,
} from '../../artifacts/artifact-commands.js';
import { ArtifactParams } from '../../artifacts/artifact-view.js';
import { parseVersion } from '../../artifacts/domain/naming.js';
import { BundleParams, BundleView, bundleView } from '../bundle-view.js';
import type { PinnedArtifact } from '../domain/bundle.decide.js';

const Body = z.strictObject({
  name: BundleParams.shape.name,
  version: BundleParams.shape.version.describe('The composite SemVer version.'),
  artifacts: z
    .array(
      z.strictObject({
        name: ArtifactParams.shape.name,
        version: ArtifactParams.shape.version,
        repository: z.string().min(1).max(500).optional(),
      }),
    )
    .min(1)
    .max(200),
  constraints: z
    .array(
      z.strictObject({
        from: z.string().min(1).max(128).describe('The dependent artifact.'),
        to: z.string().min(1).max(128).describe('The artifact it depends on.'),
        range: z.string().min(1).max(200).describe('A SemVer range the pinned version of `to` must satisfy.'),
      }),
    )
    .max(1000)
    .default([]),
});

/** Whether a pin's version is SemVer at all (an invalid one cannot name a registered artifact). */
function isVersion(version: string): boolean {
  try {
    parseVersion(version);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

/** POST /bundles — pin artifacts under one composite version, checking the inter-service constraints (A4). */
export const createBundleRoute: FastifyPluginAsyncZod<ArtifactRouteDeps> = async (app, deps) => {
  const { store, commands, now } = deps;
  app.post(
    '/bundles',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Create a bundle (composite version)',
        tags: ['bundles'],
        body: Body,
        response: { 200: BundleView, 201: BundleView },
      },
    },
    async (request, reply) => {
      const { name, version, artifacts, constraints } = request.body;
      // Each pin resolved as the registry resolves versions: build metadata is not part of an artifact's identity, so
      // `1.2.3+other` pins the registered `1.2.3+build.7`, and the bundle records the version as registered (and its
      // digest). Undefined digest: not registered, swept, or not a version at all.
      const pins: PinnedArtifact[] = await Promise.all(
        artifacts.map(async (a): Promise<PinnedArtifact> => {
          // An invalid version cannot name a registered artifact: the decider reports it as an unknown member. Only
          // that is caught here; a store that cannot be read is an outage (503), never "pin unresolved".
          if (!isVersion(a.version)) return { ...a, sha256: undefined };
          const loaded = await loadAggregate(
            store,
            commands.decider,
            artifactEvents as unknown as EventCatalogue,
            artifactStream(artifactIdOf(a.name, a.version)),
          );
          if (!loaded.state.exists || loaded.state.swept) return { ...a, sha256: undefined };
          return { ...a, version: loaded.state.version, sha256: loaded.state.sha256 };
        }),
      );
      const ctx = commandContext(request, { now: now() });
      const bundleId = bundleIdOf(name, version);
      const result = await commands.bundles.handle(
        bundleStream(bundleId),
        { type: 'CreateBundle', actor: ctx.actor, at: ctx.now, bundleId, name, version, artifacts: pins, constraints },
        ctx,
      );
      return reply
        .code(result.events.length > 0 && !result.replayed ? 201 : 200)
        .header('location', `/bundles/${name}/${version}`)
        .send(bundleView(result.state));
    },
  );
};
