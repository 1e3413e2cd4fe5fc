import { ArtifactErrorCodes, bundleEvents, type EventCatalogue, notFound } from '@railyard/contracts';
import { loadAggregate } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { type ArtifactRouteDeps, bundleIdOf, bundleStream } from '../../artifacts/artifact-commands.js';
import { BundleParams, BundleView, bundleView } from '../bundle-view.js';
import { bundleDecider } from '../domain/bundle.decide.js';

/** GET /bundles/:name/:version — a bundle as created (immutable). */
export const getBundleRoute: FastifyPluginAsyncZod<ArtifactRouteDeps> = async (app, { store }) => {
  app.get(
    '/bundles/:name/:version',
    {
      schema: { summary: 'Get a bundle', tags: ['bundles'], params: BundleParams, response: { 200: BundleView } },
    },
    async (request) => {
      const { name, version } = request.params;
      const loaded = await loadAggregate(
        store,
        bundleDecider,
        bundleEvents as unknown as EventCatalogue,
        bundleStream(bundleIdOf(name, version)),
      );
      if (!loaded.state.exists) throw notFound(ArtifactErrorCodes.BUNDLE_NOT_FOUND, `No bundle ${name}@${version}.`);
      return bundleView(loaded.state);
    },
  );
};
