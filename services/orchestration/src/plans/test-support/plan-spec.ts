import { randomUUID } from 'node:crypto';
import {
  type Actor,
  LeadDecisionAcknowledged,
  LeadDecisionRequested,
  MigrationRegistered,
  MigrationRunRecorded,
  PlanDeploymentJoined,
  PlanDeploymentProgressed,
  PlanFlagsDeclared,
  type PlannedService,
  PlanRollbackStarted,
  PlanWaveCompleted,
  PlanWaveFailed,
  PlanWaveStarted,
  RolloutPlanAborted,
  RolloutPlanAwaitingRunbook,
  RolloutPlanCompleted,
  RolloutPlanCreated,
  RolloutPlanPaused,
  RolloutPlanPromoted,
  type Runbook,
  RunbookAttached,
  RunbookStepRecorded,
  rolloutPlanStream,
} from '@railyard/contracts';
import type { GrantToIssue } from '@railyard/testing';
import {
  event,
  type HttpSpecification,
  httpSpecification,
  type InjectRequest,
  type SpecEvent,
} from '@railyard/testing';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';
import { type TestDeployments, testDeployments } from './deployments.js';

/** The fixture's clock: every command of a specification happens at this instant. */
export const NOW = new Date('2026-12-01T09:00:00Z');

/** The people of the plans' specifications. `lead-lou` leads, holding a `lead` grant on prod (G2). */
export const lead: Actor = { id: 'lead-lou', kind: 'user', roles: ['deployment-lead'] };
/** Another deployment lead, not this plan's. */
export const otherLead: Actor = { id: 'dana', kind: 'user', roles: ['deployment-lead'] };
/** A release manager: promotes and retries plans, holds no grant. */
export const manager: Actor = { id: 'rm-rita', kind: 'user', roles: ['release-manager'] };
/** The first of the escalation list, holding a `deploy` grant on prod. */
export const sre: Actor = { id: 'sre-sam', kind: 'user', roles: ['sre'] };
/** An admin with no grant: acts as any lead, but not in prod (G2). */
export const admin: Actor = { id: 'admin-ada', kind: 'user', roles: ['admin'] };

/** The grants the specifications rely on, on the `prod` environment every default plan ends in. */
const GRANTS: GrantToIssue[] = [
  { principal: lead.id, privilege: 'lead', scope: { environment: 'prod' } },
  { principal: sre.id, privilege: 'deploy', scope: { environment: 'prod' } },
];

/** A provider and its consumer: two waves, orders first. */
export const ordersAndWeb = (orders = 'orders', web = 'web'): PlannedService[] => [
  { service: orders, version: '2.1.0', provides: [{ api: 'orders-api', version: '2.1.0' }], consumes: [] },
  { service: web, version: '1.1.0', provides: [], consumes: [{ api: 'orders-api', range: '^2.1.0' }] },
];

export interface PlanShape {
  releaseId?: string;
  environments?: string[];
  services?: PlannedService[];
  waves?: string[][];
  lead?: string;
  escalation?: string[];
}

/**
 * The events of one plan, named by its contracts, for given (and expected) histories. The default plan deploys
 * orders then web to staging then prod (so four stages: staging/0, staging/1, prod/0, prod/1), led by lead-lou.
 */
export function planHistory(planId: string, shape: PlanShape = {}) {
  const services = shape.services ?? ordersAndWeb();
  const waves = shape.waves ?? services.map((s) => [s.service]);
  const environments = shape.environments ?? ['staging', 'prod'];
  const plan = { planId };
  const stageAt = (stage: number) => ({
    stage,
    environment: environments[Math.floor(stage / waves.length)]!,
    wave: stage % waves.length,
  });
  return {
    planId,
    stream: rolloutPlanStream(planId),
    created: (reason = 'Thursday release') =>
      event(RolloutPlanCreated, {
        planId,
        releaseId: shape.releaseId ?? randomUUID(),
        environments,
        services,
        waves,
        lead: shape.lead ?? lead.id,
        escalation: shape.escalation ?? [sre.id, 'cto-cai'],
        ackTimeoutMinutes: 15,
        createdBy: manager.id,
        reason,
      }),
    runbook: (runbook: Runbook) => event(RunbookAttached, { ...plan, runbook }),
    flags: (flags: { key: string; enableAfterWave: number | null; killOnRollback: boolean }[]) =>
      event(PlanFlagsDeclared, { ...plan, flags }),
    promoted: () => event(RolloutPlanPromoted, { ...plan, by: manager.id, reason: 'go' }),
    waveStarted: (stage: number) =>
      event(PlanWaveStarted, { ...plan, ...stageAt(stage), services: waves[stage % waves.length]! }),
    waveCompleted: (stage: number, deploymentIds: string[] = []) =>
      event(PlanWaveCompleted, { ...plan, ...stageAt(stage), deploymentIds }),
    waveFailed: (stage: number, deploymentId: string, service: string) =>
      event(PlanWaveFailed, { ...plan, ...stageAt(stage), deploymentId, service, reason: 'the agent said no' }),
    joined: (d: { deploymentId: string; service: string; environment: string; version: string; stage: number }) =>
      event(PlanDeploymentJoined, { ...plan, ...d, rollbackTo: '2.0.0' }),
    progressed: (deploymentId: string, status: 'started' | 'succeeded' | 'failed') =>
      event(PlanDeploymentProgressed, { ...plan, deploymentId, status, eventId: randomUUID() }),
    paused: () => event(RolloutPlanPaused, { ...plan, by: lead.id, reason: 'hold on' }),
    aborted: () => event(RolloutPlanAborted, { ...plan, by: lead.id, reason: 'not today' }),
    awaitingRunbook: (openSteps: string[]) => event(RolloutPlanAwaitingRunbook, { ...plan, openSteps }),
    completed: () => event(RolloutPlanCompleted, { ...plan, completedAt: NOW.toISOString() }),
    stepRecorded: (stepId: string, outcome: 'done' | 'skipped' | 'failed', by = sre.id) =>
      event(RunbookStepRecorded, {
        ...plan,
        stepId,
        outcome,
        reason: outcome === 'done' ? '' : 'r',
        evidence: null,
        by,
      }),
    rollbackStarted: () => event(PlanRollbackStarted, { ...plan, by: lead.id, reason: 'bad', steps: [] }),
    decisionRequested: (d: {
      decisionId: string;
      kind: 'canary-paused' | 'wave-failed';
      deploymentId: string | null;
      askedOf?: string;
    }) =>
      event(LeadDecisionRequested, {
        ...plan,
        ...d,
        askedOf: d.askedOf ?? lead.id,
        level: 0,
        dueAt: new Date(NOW.getTime() - 60_000).toISOString(),
        detail: 'Retry, abort or roll back.',
      }),
    decisionAcknowledged: (decisionId: string, by = lead.id) =>
      event(LeadDecisionAcknowledged, { ...plan, decisionId, by, note: 'seen' }),
    migration: (m: {
      service: string;
      migrationId: string;
      sequence: number;
      kind: 'expand' | 'migrate' | 'contract';
      compatibleWith?: string;
      irreversible?: boolean;
      consumers?: string[];
    }) =>
      event(MigrationRegistered, {
        ...plan,
        compatibleWith: '^2.1.0',
        consumers: m.consumers ?? [m.service],
        down: m.irreversible ? null : `-- undo ${m.migrationId}`,
        irreversible: false,
        by: 'dev-ines',
        ...m,
      }),
    migrationRun: (r: { service: string; migrationId: string; environment: string; direction?: 'up' | 'down' }) =>
      event(MigrationRunRecorded, {
        ...plan,
        direction: 'up',
        outcome: 'succeeded',
        executor: 'migration-job',
        detail: '',
        ...r,
      }),
  };
}
export type PlanHistory = ReturnType<typeof planHistory>;

/** A runbook of two steps: a mandatory DNS switch the SRE owns, an optional cache flush for deployers. */
export const runbook = (): Runbook => ({
  name: 'thursday-cutover',
  version: 1,
  steps: [
    {
      id: 'switch-dns',
      kind: 'dns-update',
      title: 'Point shop.example.com at the new load balancer',
      ownerRole: 'sre',
      validation: 'dig +short shop.example.com',
      mandatory: true,
      environment: 'prod',
    },
    {
      id: 'flush-cache',
      kind: 'cache-invalidation',
      title: 'Flush the CDN',
      ownerRole: 'deployer',
      validation: 'curl -I https://shop.example.com',
      mandatory: false,
    },
  ],
});

export interface PlanSpecFixture {
  f: OrchestrationFixture;
  /** The deployments side of the seam (its `calls` show what the plans asked of deployments). */
  d: TestDeployments;
  /** A fresh plan's history helpers and stream. */
  plan(shape?: PlanShape): PlanHistory;
  /** A specification with no history. */
  spec(): HttpSpecification;
  /** A specification whose history is `events` on the plan's stream. */
  given(plan: PlanHistory, ...events: SpecEvent[]): HttpSpecification;
  /** A request by `actor` for `when` (the bearer is signed when the specification runs). */
  request(method: InjectRequest['method'], url: string, actor: Actor, payload?: unknown): () => Promise<InjectRequest>;
  close(): Promise<void>;
}

/**
 * Orchestration for the plans' slice specifications: its clock stopped at NOW, the deployments side of the seam
 * standing in for the deployments capability (testDeployments), and the grants the leads' actions on prod need.
 */
export async function startPlanSpecs(label: string): Promise<PlanSpecFixture> {
  let d: TestDeployments | undefined;
  const f = await startOrchestration(label, {
    start: NOW,
    deploymentControl: (store, now) => {
      d = testDeployments(store, now);
      return d.control;
    },
  });
  for (const g of GRANTS) await f.grant(g);
  return {
    f,
    d: d!,
    plan: (shape) => planHistory(randomUUID(), shape),
    spec: () => httpSpecification(f),
    given: (plan, ...events) => httpSpecification(f).given(plan.stream, ...events),
    request: (method, url, actor, payload) => async () => ({
      method,
      url,
      headers: await f.auth(actor.id, actor.roles),
      ...(payload === undefined ? {} : { payload }),
    }),
    close: () => f.close(),
  };
}
