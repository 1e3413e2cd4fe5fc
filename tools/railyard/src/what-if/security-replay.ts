import {
  type EventCatalogue,
  type GateResult,
  pipelineRunEvents,
  type SecurityRule,
  securityPolicyEvents,
} from '@railyard/contracts';
import type { EventStore, RecordedEvent } from '@railyard/eventstore';
import {
  evaluateSecurityGate,
  evolveRun,
  initialRunState,
  runFindings,
  securityPolicyDecider,
} from '@railyard/pipeline/aggregates';
import { eventsBetween, verifiedHistory } from './history.js';

type RunState = typeof initialRunState;
type RunEvent = Parameters<typeof evolveRun>[1];
type PolicyState = typeof securityPolicyDecider.initialState;
type PolicyEvent = Parameters<typeof securityPolicyDecider.evolve>[1];

/** One past promotion's security gate re-evaluated under the proposed rules. */
export interface SecurityReplay {
  streamId: string;
  runId: string;
  service: string;
  environment: string;
  decidedAt: string;
  policy: string;
  recorded: { promoted: boolean; security: GateResult };
  proposed: { promoted: boolean; security: GateResult };
  changed: boolean;
  why: string[];
}

const runCatalogue = pipelineRunEvents as unknown as EventCatalogue;
const policyCatalogue = securityPolicyEvents as unknown as EventCatalogue;

/**
 * Re-evaluates the security gate of every promotion decided between `from` and `to` (DeploymentRequested or
 * PromotionBlocked) with pipeline's own gate function: the run's findings as they were then, the exceptions of its
 * policy as recorded by then and active at the decision's time, and the proposed rules. Other gates keep their
 * recorded verdicts, so the promotion would change only if the security verdict does. Nothing is appended.
 */
export async function replaySecurityGates(
  store: EventStore,
  rules: SecurityRule[],
  window: { from: Date; to: Date; policy?: string },
): Promise<{ replays: SecurityReplay[]; broken: string[] }> {
  const decisions = await eventsBetween(
    store,
    { categories: ['pipelineRun'], eventTypes: ['DeploymentRequested', 'PromotionBlocked'] },
    window.from,
    window.to,
  );
  const policies = await policyHistories(store);
  const broken = [...policies.broken];
  const runs = new Map<string, Awaited<ReturnType<typeof verifiedHistory>>>();
  const replays: SecurityReplay[] = [];
  for (const decision of decisions) {
    let history = runs.get(decision.streamId);
    if (!history) {
      history = await verifiedHistory(store, decision.streamId, runCatalogue);
      runs.set(decision.streamId, history);
      if (history.broken) broken.push(`${decision.streamId}: ${history.broken}`);
    }
    const at = history.events.findIndex((e) => e.id === decision.id);
    if (at < 0) continue;
    let run: RunState = initialRunState;
    for (const e of history.events.slice(0, at)) run = evolveRun(run, { type: e.type, data: e.data } as RunEvent);
    if (!run.exists) continue;
    if (window.policy && run.securityPolicy !== window.policy) continue;
    const data = decision.data as { environment: string; gates: GateResult[] };
    const recordedSecurity = data.gates.find((g) => g.gate === 'security');
    if (!recordedSecurity) continue;
    const policy = policyAt(policies.byName.get(run.securityPolicy) ?? [], decision.createdAt);
    const decidedAt = new Date(decision.metadata.occurredAt);
    const proposed = evaluateSecurityGate(
      // The proposal as the next version of the run's policy.
      { name: run.securityPolicy, version: (policy.exists ? policy.current.version : 0) + 1, rules },
      runFindings(run.scans),
      policy.exceptions,
      data.environment,
      decidedAt,
    );
    const othersPassed = data.gates.filter((g) => g.gate !== 'security').every((g) => g.passed);
    const recordedPromoted = decision.type === 'DeploymentRequested';
    const proposedPromoted = othersPassed && proposed.passed;
    const why: string[] = [];
    if (proposed.passed !== recordedSecurity.passed) {
      why.push(
        `security gate: ${verdict(recordedSecurity)} → ${verdict(proposed)}`,
        ...(proposed.findings?.length ? [`findings: ${proposed.findings.join(', ')}`] : []),
      );
    }
    if (proposedPromoted !== recordedPromoted) {
      why.push(
        `promotion to ${data.environment}: ${recordedPromoted ? 'promoted' : 'blocked'} → ${proposedPromoted ? 'promoted' : 'blocked'}`,
      );
    } else if (proposed.passed !== recordedSecurity.passed) {
      why.push(`promotion to ${data.environment} unchanged: another gate decided it`);
    }
    replays.push({
      streamId: decision.streamId,
      runId: run.runId,
      service: run.service,
      environment: data.environment,
      decidedAt: decidedAt.toISOString(),
      policy: run.securityPolicy,
      recorded: { promoted: recordedPromoted, security: recordedSecurity },
      proposed: { promoted: proposedPromoted, security: proposed },
      changed: proposed.passed !== recordedSecurity.passed || proposedPromoted !== recordedPromoted,
      why,
    });
  }
  return { replays, broken };
}

const verdict = (g: GateResult) => `${g.passed ? 'passed' : 'failed'} (${g.rule ?? g.gate}: ${g.detail})`;

/** Every security policy's verified history, by policy name (the name is what a run pins). */
async function policyHistories(store: EventStore) {
  const versioned = await store.readAll({
    filter: { categories: ['securityPolicy'], eventTypes: ['SecurityPolicyVersioned'] },
  });
  const byName = new Map<string, RecordedEvent[]>();
  const broken: string[] = [];
  for (const streamId of new Set(versioned.map((e) => e.streamId))) {
    const history = await verifiedHistory(store, streamId, policyCatalogue);
    if (history.broken) broken.push(`${streamId}: ${history.broken}`);
    const name = (history.events.find((e) => e.type === 'SecurityPolicyVersioned')?.data as { name?: string })?.name;
    if (name) byName.set(name, history.events);
  }
  return { byName, broken };
}

/** The policy as its stream had recorded it by `at`: the exceptions requested and approved until then. */
function policyAt(events: RecordedEvent[], at: Date): PolicyState {
  let state: PolicyState = securityPolicyDecider.initialState;
  for (const e of events) {
    if (e.createdAt.getTime() > at.getTime()) break;
    state = securityPolicyDecider.evolve(state, { type: e.type, data: e.data } as PolicyEvent);
  }
  return state;
}
