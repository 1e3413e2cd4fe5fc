import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import { createDatasetCommands } from './dataset-store.js';
import { getDatasetRoute } from './get-dataset/route.js';
import { recordAttestationRoute } from './record-attestation/route.js';
import { registerDatasetRoute } from './register-dataset/route.js';

/** The data-policy capability (E3): datasets and their masking attestations. */
export async function registerDataPolicyRoutes(app: App, deps: { store: EventStore; now: () => Date }) {
  const commands = createDatasetCommands(deps.store);
  await app.register(registerDatasetRoute, { commands, now: deps.now });
  await app.register(recordAttestationRoute, { commands, now: deps.now });
  await app.register(getDatasetRoute, { store: deps.store });
}
