import { type DeploymentEvent, DomainError, deploymentStream, rolloutPlanStream } from '@railyard/contracts';
import { type CommandContext, type EventStore, type RecordedEvent, runUnderLease } from '@railyard/eventstore';
import { readCheckpoint } from '@railyard/readmodels';
import type { Logger } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { ProgressDeployment } from './domain/plan.decide.js';
import { PLANS_ACTOR, type PlanReconciler } from './plan-reconciler.js';
import { loadPlan, type PlanCommands } from './plan-store.js';

const NAME = 'plan-progress';

/** The lead decision a canary held at a pause asks for; acknowledging it promotes that step (and only that one). */
export const canaryDecisionId = (deploymentId: string, step: number) => `canary-paused-${deploymentId}-${step}`;
/** The held step a canary decision names, or null for any other decision. */
export function canaryDecisionStep(decisionId: string, deploymentId: string): number | null {
  const prefix = `canary-paused-${deploymentId}-`;
  if (!decisionId.startsWith(prefix)) return null;
  const step = Number(decisionId.slice(prefix.length));
  return Number.isInteger(step) && step >= 0 ? step : null;
}
const FILTER = { categories: ['deployment', 'rolloutPlan', 'serviceSchema'] };
const STATUS: Partial<Record<DeploymentEvent['type'], ProgressDeployment['status']>> = {
  DeploymentStarted: 'started',
  DeploymentSucceeded: 'succeeded',
  DeploymentFailed: 'failed',
  DeploymentRolledBack: 'rolled-back',
  DeploymentRollbackFailed: 'rollback-failed',
};

export interface PlanProgressDeps {
  store: EventStore;
  pool: pg.Pool;
  db: Kysely<unknown>;
  commands: PlanCommands;
  reconcile: PlanReconciler;
  now: () => Date;
  minuteMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
  retryDelayMs?: number;
}

/**
 * The plans' progress worker: follows the agreed `deployment-<id>` events (and the plans' and schemas' own) from
 * the store, single-active under a lease, from a checkpoint, and turns them into plan commands — a deployment that
 * joined, started, succeeded, failed or rolled back; a canary paused for a decision — then reconciles the plan (the
 * next wave's deployments released, flags enabled, rollback steps performed). Each command is idempotent on the plan
 * (a status it already has changes nothing), so redelivery after a crash is harmless.
 */
export function startPlanProgress(deps: PlanProgressDeps) {
  const { store, commands, reconcile, now, logger } = deps;
  const stop = new AbortController();
  let position = 0n;

  const ctxOf = (e: RecordedEvent): CommandContext => ({
    actor: PLANS_ACTOR,
    now: now(),
    correlationId: e.metadata.correlationId,
    causationId: e.id,
  });

  async function planOfDeployment(deploymentId: string): Promise<string | null> {
    const [first] = await store.readStream(deploymentStream(deploymentId), { limit: 1 });
    return (first?.data as { planId?: string | null } | undefined)?.planId ?? null;
  }

  async function onDeployment(e: RecordedEvent): Promise<string | null> {
    const event = { type: e.type, data: e.data } as DeploymentEvent;
    const ctx = ctxOf(e);
    if (event.type === 'DeploymentScheduled') {
      const d = event.data;
      if (!d.planId) return null;
      await commands.handle(
        rolloutPlanStream(d.planId),
        {
          type: 'JoinDeployment',
          deploymentId: d.deploymentId,
          service: d.service,
          environment: d.environment,
          version: d.artifact.version,
          rollbackTo: d.rollbackTarget?.version ?? null,
        },
        ctx,
      );
      return d.planId;
    }
    if (event.type === 'DeploymentPromoted') {
      // Promoted on the deployment itself (POST /deployments/:id/promote): the plan's question is answered.
      const { planId, deploymentId, step, by } = event.data;
      if (!planId) return null;
      const decisionId = canaryDecisionId(deploymentId, step);
      const { plan } = await loadPlan(store, planId);
      const open = plan.decisions.find((d) => d.decisionId === decisionId && !d.acknowledged);
      if (!open) return null;
      await commands.handle(
        rolloutPlanStream(planId),
        {
          type: 'AcknowledgeDecision',
          decisionId,
          note: `Promoted on the deployment: ${event.data.reason}`,
          actor: { id: by, kind: 'user', roles: [] },
          at: ctx.now,
        },
        ctx,
      );
      return planId;
    }
    if (event.type === 'DeploymentStepStarted') {
      // A canary paused with no duration (0 or absent) is held until a person promotes it: a decision for the lead (O6).
      const { step, deploymentId, service, environment } = event.data;
      if (step.action !== 'pause' || step.pauseMinutes) return null;
      const planId = await planOfDeployment(deploymentId);
      if (!planId) return null;
      await commands.handle(
        rolloutPlanStream(planId),
        {
          type: 'RequestDecision',
          decisionId: canaryDecisionId(deploymentId, step.step),
          deploymentId,
          detail: `The canary of ${service} in ${environment} paused at step ${step.step} until someone promotes it.`,
          actor: PLANS_ACTOR,
          at: ctx.now,
          minuteMs: deps.minuteMs,
        },
        ctx,
      );
      return planId;
    }
    const status = STATUS[event.type];
    const planId = (event.data as { planId?: string | null }).planId;
    if (!status || !planId) return null;
    await commands.handle(
      rolloutPlanStream(planId),
      {
        type: 'ProgressDeployment',
        deploymentId: (event.data as { deploymentId: string }).deploymentId,
        status,
        eventId: e.id,
        actor: PLANS_ACTOR,
        at: ctx.now,
        minuteMs: deps.minuteMs,
      },
      ctx,
    );
    return planId;
  }

  async function onSchema(e: RecordedEvent): Promise<string | null> {
    if (e.type !== 'MigrationRunRecorded') return null;
    const d = e.data as {
      planId: string;
      migrationId: string;
      environment: string;
      direction: string;
      outcome: string;
    };
    if (d.direction === 'down') {
      // A down migration the plan's rollback handed to the executor: its run is the step's outcome.
      const { plan } = await loadPlan(store, d.planId);
      const index = plan.rollback?.steps.findIndex(
        (s) => s.kind === 'down-migration' && s.migrationId === d.migrationId && s.environment === d.environment,
      );
      if (index !== undefined && index >= 0) {
        const outcome = d.outcome === 'succeeded' ? 'done' : 'failed';
        await commands.handle(
          rolloutPlanStream(d.planId),
          { type: 'RecordRollbackStep', index, outcome, detail: `Down migration ${d.outcome}.` },
          ctxOf(e),
        );
      }
    }
    return d.planId;
  }

  async function handle(e: RecordedEvent): Promise<void> {
    const category = e.streamId.slice(0, e.streamId.indexOf('-'));
    let planId: string | null = null;
    try {
      if (category === 'deployment') planId = await onDeployment(e);
      else if (category === 'serviceSchema') planId = await onSchema(e);
      else planId = (e.data as { planId: string }).planId;
      if (planId) await reconcile(planId, { correlationId: e.metadata.correlationId, causationId: e.id });
    } catch (error) {
      // A business rule refusing a follow-up is no reason to stop following: log it and move on.
      if (!(error instanceof DomainError)) throw error;
      logger.warn({ err: error, eventId: e.id, type: e.type, planId }, 'plan progress skipped an event');
    }
  }

  const running = runUnderLease(
    deps.pool,
    `railyard:orchestration:${NAME}`,
    {
      signal: stop.signal,
      retryDelayMs: deps.retryDelayMs ?? 1_000,
      onError: (err, phase) => logger.warn({ err, phase }, 'plan progress worker failed; retrying'),
    },
    async (lease) => {
      position = await readCheckpoint(deps.db as never, 'orchestration', NAME);
      const signal = AbortSignal.any([stop.signal, lease.lost]);
      for await (const e of store.subscribe({ after: position, filter: FILTER, signal })) {
        await handle(e);
        await lease.client.query(
          `INSERT INTO orchestration.projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [NAME, String(e.position)],
        );
        position = e.position;
      }
    },
  );

  return {
    /** The global position of the last event handled. */
    position: () => position,
    async stop() {
      stop.abort();
      await running;
    },
  };
}
export type PlanProgress = ReturnType<typeof startPlanProgress>;
