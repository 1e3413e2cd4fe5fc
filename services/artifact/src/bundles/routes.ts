import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type { LoadArtifact } from '../artifacts/domain/artifact-identity.js';
import type { BundleCommands } from './bundle-store.js';
import { createBundleRoute } from './create-bundle/route.js';
import { getBundleRoute } from './get-bundle/route.js';

/** What the composite-versions capability (A4) is given; each route takes only what it uses. */
export interface BundleRoutesDeps {
  store: EventStore;
  bundles: BundleCommands;
  loadArtifact: LoadArtifact;
  now: () => Date;
}

/** The bundles capability's routes: one line a slice. */
export async function registerBundleRoutes(app: App, deps: BundleRoutesDeps): Promise<void> {
  const { loadArtifact, bundles, now, store } = deps;
  await app.register(createBundleRoute, { loadArtifact, bundles, now });
  await app.register(getBundleRoute, { store });
}
