import {
  type EventCatalogue,
  notFound,
  PipelineErrorCodes,
  pipelineDefinitionEvents,
  streamName,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { v5 as uuidv5 } from 'uuid';
import { definitionDecider } from './domain/definition.decide.js';

// Name-based id (RFC 9562 v5): a service's definition always addresses one stream.
const DEFINITION_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e01';

export const definitionIdOf = (service: string) => uuidv5(service, DEFINITION_NAMESPACE);
export const definitionStream = (service: string) => streamName('pipelineDefinition', definitionIdOf(service));

const catalogue = pipelineDefinitionEvents as unknown as EventCatalogue;

/** The pipeline definition aggregate's command handler. */
export function createDefinitionCommands(store: EventStore) {
  return createCommandHandler({ store, decider: definitionDecider, catalogue });
}
export type DefinitionCommands = ReturnType<typeof createDefinitionCommands>;

/** The service's definition, folded from its stream; 404 PIPELINE_DEFINITION_NOT_FOUND when none was published. */
export async function loadDefinition(store: EventStore, service: string) {
  const loaded = await loadAggregate(store, definitionDecider, catalogue, definitionStream(service));
  if (!loaded.state.exists) {
    throw notFound(PipelineErrorCodes.DEFINITION_NOT_FOUND, `No pipeline definition for ${service}.`);
  }
  return { definition: loaded.state, revision: loaded.revision };
}
