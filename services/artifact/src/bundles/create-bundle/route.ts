import { ArtifactErrorCodes, DomainError } from '@railyard/contracts';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { ArtifactParams } from '../../artifacts/artifact-view.js';
import type { LoadArtifact } from '../../artifacts/domain/artifact-identity.js';
import { parseVersion } from '../../artifacts/domain/naming.js';
import { type BundleCommands, bundleIdOf, bundleStream } from '../bundle-store.js';
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

/** What this slice uses, handed over by its capability's routes. */
export interface CreateBundleDeps {
  loadArtifact: LoadArtifact;
  bundles: BundleCommands;
  now: () => Date;
}

/** POST /bundles — pin artifacts under one composite version, checking the inter-service constraints (A4). */
export const createBundleRoute: FastifyPluginAsyncZod<CreateBundleDeps> = async (app, deps) => {
  const { loadArtifact, bundles, now } = deps;
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
          const artifact = await loadArtifact(a.name, a.version).then(
            (loaded) => loaded.artifact,
            (err: unknown) => {
              if (err instanceof DomainError && err.code === ArtifactErrorCodes.NOT_FOUND) return undefined;
              throw err;
            },
          );
          if (!artifact || artifact.swept) return { ...a, sha256: undefined };
          return { ...a, version: artifact.version, sha256: artifact.sha256 };
        }),
      );
      const ctx = commandContext(request, { now: now() });
      const bundleId = bundleIdOf(name, version);
      const result = await bundles.handle(
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
