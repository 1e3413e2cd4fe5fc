import { type EventCatalogue, notFound, PipelineErrorCodes, pipelineRunEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { runDecider } from './domain/run.decide.js';
import type { ActiveRun } from './domain/run.js';

const catalogue = pipelineRunEvents as unknown as EventCatalogue;

/** The run aggregate's command handler, shared by the run slices (and the test matrix, which acts on runs). */
export function createRunCommands(store: EventStore) {
  return createCommandHandler({ store, decider: runDecider, catalogue });
}
export type RunCommands = ReturnType<typeof createRunCommands>;

export const runStream = (runId: string) => streamName('pipelineRun', runId);

/** What a run command route receives from the composition root. */
export interface RunRouteDeps {
  commands: RunCommands;
  /** The clock: injected so tests and replays control time. */
  now: () => Date;
}

/** The run as it stands, folded from its stream; 404 PIPELINE_RUN_NOT_FOUND when it was never started. */
export async function loadRun(store: EventStore, runId: string): Promise<{ run: ActiveRun; revision: bigint }> {
  const loaded = await loadAggregate(store, runDecider, catalogue, runStream(runId));
  if (!loaded.state.exists) throw notFound(PipelineErrorCodes.RUN_NOT_FOUND, `No run ${runId}.`);
  return { run: loaded.state, revision: loaded.revision };
}
