import type { PipelineRunEvent, StageDefinition } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { type PromotionInputs, type RunCommand, runDecider } from './run.decide.js';

// Shared examples of the run decider's specifications: one run of payments-api through staging and an approved prod.
export const ci = { id: 'ci-jenkins', kind: 'system' as const, roles: ['deployer'] };
export const dev = { id: 'dev-ana', kind: 'user' as const, roles: ['developer'] };
export const author = { id: 'dev-bo', kind: 'user' as const, roles: ['developer', 'approver'] };
export const approver = { id: 'appr-cy', kind: 'user' as const, roles: ['approver'] };
export const at = new Date('2026-11-26T10:00:00Z');
export const runId = '0193a5b0-0000-7000-8000-0000000000aa';
export const artifact = { name: 'payments-api', version: '2.3.1', sha256: 'a'.repeat(64) };
const stages: StageDefinition[] = [
  { kind: 'build', name: 'build' },
  { kind: 'test', name: 'test' },
  { kind: 'deploy', name: 'staging', environment: 'staging' },
  {
    kind: 'approval',
    name: 'prod gate',
    environment: 'prod',
    groups: ['approver'],
    minApprovals: 1,
    expiresAfterMinutes: 60,
  },
  { kind: 'deploy', name: 'prod', environment: 'prod' },
  { kind: 'verify', name: 'verify', environment: 'prod' },
];
export const started: Extract<PipelineRunEvent, { type: 'PipelineRunStarted' }> = {
  type: 'PipelineRunStarted',
  data: {
    runId,
    service: 'payments-api',
    definitionVersion: 1,
    stages,
    securityPolicy: 'default',
    tier: 'critical',
    strategies: [{ environment: 'prod', strategy: { type: 'blue-green' } }],
    artifact,
    changeAuthor: 'dev-bo',
    triggeredBy: 'dev-ana',
    releaseId: null,
    commits: [],
    reason: 'Run of payments-api@2.3.1.',
  },
};
export const claimed = (stage: number, kind: string): PipelineRunEvent => ({
  type: 'StageClaimed',
  data: { runId, stage, kind, executor: 'ci-jenkins', reason: 'claimed' },
});
export const passed = (stage: number, kind: string): PipelineRunEvent => ({
  type: 'StageReported',
  data: { runId, stage, kind, outcome: 'passed', executor: 'ci-jenkins', reason: 'ok' },
});
export const atStaging = [started, claimed(0, 'build'), passed(0, 'build'), claimed(1, 'test'), passed(1, 'test')];
export const ok: PromotionInputs = {
  gates: [{ gate: 'security', passed: true, detail: 'Every rule passed.' }],
  strategy: { type: 'blue-green' },
  rollbackTarget: null,
};
export type Loose<C> = C extends unknown ? Omit<C, 'actor' | 'at'> & Partial<Pick<RunCommand, 'actor' | 'at'>> : never;
export const cmd = (c: Loose<RunCommand>) => ({ actor: ci, at, ...c }) as RunCommand;
export const run = spec(runDecider);
export const approvalAsked: Extract<PipelineRunEvent, { type: 'ApprovalRequested' }> = {
  type: 'ApprovalRequested',
  data: {
    runId,
    stage: 3,
    environment: 'prod',
    groups: ['approver'],
    minApprovals: 1,
    expiresAt: '2026-11-26T11:00:00.000Z',
    reason: 'x',
  },
};
export const atApproval = [...atStaging, { ...claimed(2, 'deploy') }, passed(2, 'deploy'), approvalAsked];

export function fold(events: PipelineRunEvent[]) {
  return events.reduce(runDecider.evolve, runDecider.initialState);
}
