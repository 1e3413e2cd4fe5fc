import { ArtifactErrorCodes, bundleEvents, type EventCatalogue, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { loadAggregate } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { bundleIdOf, bundleStream } from '../bundle-store.js';
import { BundleParams, BundleView, bundleView } from '../bundle-view.js';
import { bundleDecider } from '../domain/bundle.decide.js';

/** What this slice uses, handed over by its capability's routes. */
export interface GetBundleDeps {
  store: EventStore;
}

/** GET /bundles/:name/:version — a bundle as created (immutable). */
export const getBundleRoute: FastifyPluginAsyncZod<GetBundleDeps> = async (app, { store }) => {
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
