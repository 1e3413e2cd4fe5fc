import {
  datasetEvents,
  datasetStream,
  type EventCatalogue,
  invalid,
  notFound,
  OrchestrationErrorCodes,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import type { DatasetPolicyView } from './domain/data-policy.js';
import { datasetDecider } from './domain/dataset.decide.js';

export const datasetCatalogue = datasetEvents as unknown as EventCatalogue;

/** The dataset aggregate's command handler (`dataset-<name>`). */
export const createDatasetCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: datasetDecider, catalogue: datasetCatalogue });
export type DatasetCommands = ReturnType<typeof createDatasetCommands>;

/** One dataset folded from its stream, or 404. */
export async function loadDataset(store: EventStore, name: string) {
  const loaded = await loadAggregate(store, datasetDecider, datasetCatalogue, datasetStream(name));
  if (!loaded.state.exists) throw notFound(OrchestrationErrorCodes.DATASET_NOT_FOUND, `No dataset named ${name}.`);
  return { dataset: loaded.state, revision: loaded.revision };
}

/**
 * The datasets a booking or deployment names, as the data policy sees them. An unknown name is a 422: the request
 * refers to something that does not exist, and letting it through would skip the policy.
 */
export async function loadDatasetViews(store: EventStore, names: readonly string[]): Promise<DatasetPolicyView[]> {
  const views: DatasetPolicyView[] = [];
  for (const name of new Set(names)) {
    const loaded = await loadAggregate(store, datasetDecider, datasetCatalogue, datasetStream(name));
    if (!loaded.state.exists) {
      throw invalid(OrchestrationErrorCodes.DATASET_NOT_FOUND, `No dataset named ${name}.`, { dataset: name });
    }
    const { exists: _e, ...view } = loaded.state;
    views.push(view);
  }
  return views;
}
