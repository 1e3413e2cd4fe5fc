import { deploymentEvents, deploymentStream, type EventCatalogue } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { deploymentDecider } from './domain/deployment.decide.js';

export const deploymentCatalogue = deploymentEvents as unknown as EventCatalogue;

/** The deployment aggregate's command handler (`deployment-<id>`). */
export const createDeploymentCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: deploymentDecider, catalogue: deploymentCatalogue });
export type DeploymentCommands = ReturnType<typeof createDeploymentCommands>;

/** A deployment folded from its stream, with its recorded events (their times are in the metadata). */
export async function loadDeployment(store: EventStore, deploymentId: string) {
  return loadAggregate(store, deploymentDecider, deploymentCatalogue, deploymentStream(deploymentId));
}
