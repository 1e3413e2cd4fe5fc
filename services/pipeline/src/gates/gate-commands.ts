import { type EventCatalogue, performanceBaselineEvents, securityPolicyEvents, streamName } from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { v5 as uuidv5 } from 'uuid';
import { baselineDecider } from './domain/baseline.decide.js';
import { securityPolicyDecider } from './domain/security-policy.decide.js';

// Name-based ids (RFC 9562 v5): a policy name and a service's baseline always address one stream.
const POLICY_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e02';
const BASELINE_NAMESPACE = '4a0e7c52-93b1-4c55-8f0e-5a1d2c3b4e03';

export const policyIdOf = (name: string) => uuidv5(name, POLICY_NAMESPACE);
export const baselineIdOf = (service: string) => uuidv5(service, BASELINE_NAMESPACE);
export const policyStream = (name: string) => streamName('securityPolicy', policyIdOf(name));
export const baselineStream = (service: string) => streamName('performanceBaseline', baselineIdOf(service));

const policyCatalogue = securityPolicyEvents as unknown as EventCatalogue;
const baselineCatalogue = performanceBaselineEvents as unknown as EventCatalogue;

/** The security policy aggregate's command handler. */
export function createSecurityPolicyCommands(store: EventStore) {
  return createCommandHandler({ store, decider: securityPolicyDecider, catalogue: policyCatalogue });
}
export type SecurityPolicyCommands = ReturnType<typeof createSecurityPolicyCommands>;

/** The performance baseline aggregate's command handler. */
export function createBaselineCommands(store: EventStore) {
  return createCommandHandler({ store, decider: baselineDecider, catalogue: baselineCatalogue });
}
export type BaselineCommands = ReturnType<typeof createBaselineCommands>;

/** A policy as it stands (`exists: false` when never published). */
export async function loadPolicy(store: EventStore, name: string) {
  return (await loadAggregate(store, securityPolicyDecider, policyCatalogue, policyStream(name))).state;
}

/** A service's baseline as it stands (no accepted release yet: an empty list). */
export async function loadBaseline(store: EventStore, service: string) {
  return (await loadAggregate(store, baselineDecider, baselineCatalogue, baselineStream(service))).state;
}
