import type { Actor, ReleaseEvent, RiskPolicyRules, RollbackThresholds } from '@railyard/contracts';
import type { ReleaseCommand } from '../releases/domain/release.decide.js';

/** Histories and commands for the release decider's given/when/then tests: one vocabulary for every spec file. */
export const at = new Date('2026-11-26T09:30:00Z');
export const releaseId = '0193a000-0000-7000-8000-000000000001';
export const itemA = '0193a000-0000-7000-8000-0000000000a1';
export const itemB = '0193a000-0000-7000-8000-0000000000b2';
export const dep1 = '0193a000-0000-7000-8000-0000000000d1';
export const dep2 = '0193a000-0000-7000-8000-0000000000d2';
export const req1 = '0193a000-0000-7000-8000-0000000000e1';
export const ev1 = '0193a000-0000-7000-8000-0000000000f1';
export const exc1 = '0193a000-0000-7000-8000-0000000000c1';
export const policyId = '0193a000-0000-7000-8000-0000000000aa';

const user = (id: string, roles: string[]): Actor => ({ id, kind: 'user', roles });
export const manager = user('rm-ana', ['release-manager', 'cab-member']);
export const owner = user('po-cy', ['product-owner']);
export const dev = user('dev-bo', ['developer']);
export const cab1 = user('cab-dee', ['cab-member']);
export const cab2 = user('cab-eli', ['cab-member']);

type WithoutAt<C> = C extends unknown ? Omit<C, 'at'> & { at?: Date } : never;
/** A command issued at `at` unless it says otherwise. */
export const cmd = (c: WithoutAt<ReleaseCommand>): ReleaseCommand => ({ at, ...c }) as ReleaseCommand;

export const planned: ReleaseEvent = {
  type: 'ReleasePlanned',
  data: { releaseId, name: '2026.12', targetDate: '2026-12-10', owner: manager.id },
};
export const added = (
  itemId: string,
  title: string,
  extra: { service?: string; criticality?: 'high' } = {},
): ReleaseEvent => ({
  type: 'ScopeItemAdded',
  data: { releaseId, itemId, title, team: 'payments', kind: 'fix', ...extra, author: dev.id },
});
export const accepted = (itemId: string): ReleaseEvent => ({
  type: 'ScopeItemAccepted',
  data: { releaseId, itemId, acceptedBy: owner.id },
});
export const frozen: ReleaseEvent = {
  type: 'ReleaseFrozen',
  data: { releaseId, frozenAt: '2026-11-25T18:00:00.000Z', scopeItemIds: [itemA] },
};
export const dependency = (id: string, from: string, to: string, blocking = true): ReleaseEvent => ({
  type: 'DependencyDeclared',
  data: {
    releaseId,
    dependencyId: id,
    from: { team: from },
    to: { team: to },
    kind: 'backend',
    owner: 'lead',
    blocking,
    status: 'open',
    declaredBy: dev.id,
  },
});
export const dependencyReady = (id: string): ReleaseEvent => ({
  type: 'DependencyStatusChanged',
  data: { releaseId, dependencyId: id, status: 'ready', changedBy: dev.id },
});
export const requirement: ReleaseEvent = {
  type: 'ComplianceRequirementAttached',
  data: {
    releaseId,
    requirementId: req1,
    control: 'data-residency',
    name: 'EU only',
    region: 'eu-west-1',
    mandatory: true,
    attachedBy: manager.id,
  },
};
export const evidence: ReleaseEvent = {
  type: 'ComplianceEvidenceSubmitted',
  data: {
    releaseId,
    requirementId: req1,
    evidenceId: ev1,
    link: 'https://audit.example/1',
    digest: `sha256:${'ab'.repeat(32)}`,
    submitter: dev.id,
  },
};
export const evidenceAccepted: ReleaseEvent = {
  type: 'ComplianceEvidenceReviewed',
  data: { releaseId, requirementId: req1, evidenceId: ev1, verdict: 'accepted', reviewer: cab1.id },
};
export const thresholds: RollbackThresholds = {
  errorRate: { maxPercent: 2, windowSeconds: 300 },
  latency: { percentile: 99, maxMs: 800, windowSeconds: 300 },
  healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 30 },
  dataIntegrityChecks: ['ledger-balances'],
};
export const criteria: ReleaseEvent = {
  type: 'RollbackCriteriaPublished',
  data: { releaseId, service: 'payments-api', criteria: thresholds, publishedBy: manager.id },
};
export const rules: RiskPolicyRules = {
  factors: [
    { factor: 'scopeSize', weight: 2 },
    { factor: 'criticalServices', weight: 5, cap: 2 },
    { factor: 'rollbackReadiness', weight: 10 },
  ],
  levels: [
    { level: 'low', minScore: 0, quorum: 1 },
    { level: 'medium', minScore: 10, quorum: 2 },
  ],
};
export const cabRequested = (quorum = 2): ReleaseEvent => ({
  type: 'CabReviewRequested',
  data: {
    releaseId,
    round: 1,
    submittedBy: manager.id,
    policyId,
    policyVersion: 1,
    score: 12,
    level: 'medium',
    quorum,
    factors: [],
  },
});

/** A frozen release with one accepted item, met compliance and rollback criteria: ready for the CAB. */
export const readyForCab: ReleaseEvent[] = [
  planned,
  added(itemA, 'Fix refunds', { service: 'payments-api', criticality: 'high' }),
  accepted(itemA),
  requirement,
  evidence,
  evidenceAccepted,
  criteria,
  frozen,
];

/** readyForCab, submitted (quorum 1) and approved by cab1 with these conditions. */
export const cabApproved = (
  conditions: { conditionId: string; text: string; setBy: string }[] = [],
): ReleaseEvent[] => [
  ...readyForCab,
  cabRequested(1),
  {
    type: 'CabDecisionRecorded',
    data: {
      releaseId,
      round: 1,
      decision: 'approved',
      policyId,
      policyVersion: 1,
      score: 12,
      level: 'medium',
      voters: [cab1.id],
      conditions,
    },
  },
];
export const deploymentStarted: ReleaseEvent = {
  type: 'ReleaseDeploymentStarted',
  data: { releaseId, startedBy: manager.id },
};
