import { type EventCatalogue, RiskPolicyRules, riskPolicyEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { currentVersion, type RiskPolicyState, riskPolicyDecider } from './domain/risk-policy.js';

const catalogue = riskPolicyEvents as unknown as EventCatalogue;

export const createRiskPolicyCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: riskPolicyDecider, catalogue });
export type RiskPolicyCommands = ReturnType<typeof createRiskPolicyCommands>;
export const riskPolicyStream = (id: string) => streamName('riskPolicy', id);

export async function loadRiskPolicy(store: EventStore, id: string) {
  return loadAggregate(store, riskPolicyDecider, catalogue, riskPolicyStream(id));
}

/** The version new CAB submissions are scored with: the latest (404 / 409 when there is none). */
export async function currentRiskPolicy(store: EventStore, id: string) {
  const { state } = await loadRiskPolicy(store, id);
  const version = currentVersion(state);
  return { policyId: id, version: version.version, rules: version.rules };
}

export interface RiskPolicyRouteDeps {
  commands: RiskPolicyCommands;
  store: EventStore;
  now: () => Date;
}

export const RiskPolicyView = schemaComponent(
  'RiskPolicy',
  z.object({
    id: z.uuid(),
    name: z.string(),
    versions: z.array(z.object({ version: z.number().int(), rules: RiskPolicyRules, publishedBy: z.string() })),
    revision: z.number().int(),
  }),
);
export const RiskPolicyIdParams = z.strictObject({ id: z.uuid() });

export function riskPolicyView(state: RiskPolicyState, revision: bigint): z.infer<typeof RiskPolicyView> {
  if (!state.exists) throw new TypeError('riskPolicyView needs a policy');
  return { id: state.id, name: state.name, versions: state.versions, revision: Number(revision) };
}
