import { type EventCatalogue, notFound, OrchestrationErrorCodes, quotaEvents, quotaStream } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { quotaDecider } from './domain/quota.decide.js';

export const quotaCatalogue = quotaEvents as unknown as EventCatalogue;

/** The quota aggregate's command handler (`quota-<team>.<environment>`). */
export const createQuotaCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: quotaDecider, catalogue: quotaCatalogue });
export type QuotaCommands = ReturnType<typeof createQuotaCommands>;

/** A team's quota in an environment, folded from its stream (exists: false when none was set). */
export async function loadQuota(store: EventStore, team: string, environment: string) {
  return loadAggregate(store, quotaDecider, quotaCatalogue, quotaStream(team, environment));
}

/** The quota, or 404. */
export async function loadExistingQuota(store: EventStore, team: string, environment: string) {
  const loaded = await loadQuota(store, team, environment);
  if (!loaded.state.exists) {
    throw notFound(OrchestrationErrorCodes.QUOTA_NOT_FOUND, `No quota for team ${team} in ${environment}.`);
  }
  return { quota: loaded.state, revision: loaded.revision };
}

export interface QuotaRouteDeps {
  commands: QuotaCommands;
  now: () => Date;
}
