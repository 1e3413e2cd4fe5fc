import { deploymentStream, type PreRollbackSnapshot, type RollbackTrigger } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { DeploymentControl, MigrationGuard } from '../../rollout-ports.js';
import type { DeploymentCommands } from '../deployment-store.js';
import { loadDeployment } from '../deployment-store.js';
import type { ActiveDeployment } from '../domain/deployment.js';
import { expandStrategy, type StepOptions } from '../domain/strategy-steps.js';
import { type DeploymentExecutor, stepRequestId } from '../execution/executor.js';

/** The flag states a snapshot records: the service's in-memory flag set (FlagSnapshot) answers this. */
export interface FlagStates {
  list(): { key: string; state: 'ENABLED' | 'DISABLED'; defaultVariant: string }[];
}

export interface DeploymentControlDeps {
  store: EventStore;
  commands: DeploymentCommands;
  executor: DeploymentExecutor;
  migrations: MigrationGuard;
  flags: FlagStates;
  driverName: string;
  stepOptions: StepOptions;
}

/** Deployment control with the metrics a monitoring trigger brings (the port's `rollback` has none). */
export interface DeploymentControlWithMetrics extends DeploymentControl {
  rollbackWithMetrics(
    deploymentId: string,
    trigger: RollbackTrigger,
    ctx: CommandContext,
    metrics: Record<string, unknown> | null,
    reason?: string,
  ): Promise<ActiveDeployment>;
}

/** What was live, as the deployment's step events tell it: the new version's weight, the target's the rest. */
export function liveFromSteps(s: ActiveDeployment): PreRollbackSnapshot['live'] {
  const { service, environment } = s.subject;
  const weight = s.live?.weight ?? null;
  const live: PreRollbackSnapshot['live'] = [{ service, environment, version: s.subject.artifact.version, weight }];
  if (s.rollbackTarget) {
    live.push({
      service,
      environment,
      version: s.rollbackTarget.version,
      weight: weight === null ? null : 100 - weight,
    });
  }
  return live;
}

/**
 * DeploymentControl (the seam with `plans/`): releasing a deployment that waited for its wave, promoting a canary
 * held at a pause until promoted (O6), and R1's rollback.
 * A rollback asks the plans' MigrationGuard first (a refusal is recorded with the migration's id and changes
 * nothing on the target), then records the pre-rollback snapshot with `DeploymentRollbackStarted` and the rollback
 * step, and has the driver perform it; the agent's callback records `DeploymentRolledBack`.
 */
export function createDeploymentControl(deps: DeploymentControlDeps): DeploymentControlWithMetrics {
  const { store, commands, executor } = deps;

  async function rollbackWithMetrics(
    deploymentId: string,
    trigger: RollbackTrigger,
    ctx: CommandContext,
    metrics: Record<string, unknown> | null,
    why?: string,
  ): Promise<ActiveDeployment> {
    const stream = deploymentStream(deploymentId);
    const { state } = await loadDeployment(store, deploymentId);
    if (state.exists && (state.status === 'rolling-back' || state.status === 'rolled-back')) {
      await executor.advance(deploymentId);
      return state;
    }
    if (state.exists && ['running', 'succeeded', 'failed', 'rollback-failed'].includes(state.status)) {
      const verdict = await deps.migrations.rollbackAllowed({
        service: state.subject.service,
        environment: state.subject.environment,
        fromVersion: state.subject.artifact.version,
        toVersion: state.rollbackTarget?.version ?? null,
      });
      if (!verdict.allowed) {
        const reason = `Rollback refused by migration ${verdict.migrationId}: ${verdict.reason}`;
        const refused = await commands.handle(stream, { type: 'RefuseRollback', trigger, reason }, ctx);
        return refused.state as ActiveDeployment;
      }
    }
    // Not found and not rollbackable are the decider's to refuse (404, 409).
    const s = state as ActiveDeployment;
    const snapshot: PreRollbackSnapshot = {
      takenAt: ctx.now.toISOString(),
      live: state.exists ? liveFromSteps(s) : [],
      flags: deps.flags.list().map((f) => ({ key: f.key, state: f.state, defaultVariant: f.defaultVariant })),
      metrics,
    };
    const to = state.exists ? (s.rollbackTarget?.version ?? 'nothing') : 'nothing';
    const result = await commands.handle(
      stream,
      {
        type: 'StartRollback',
        trigger,
        snapshot,
        requestId: stepRequestId(deploymentId, state.exists ? s.steps.length : 0),
        reason: `Rollback to ${to} (${trigger.kind}, by ${trigger.by})${why ? `: ${why}` : '.'}`,
      },
      ctx,
    );
    await executor.advance(deploymentId);
    return result.state as ActiveDeployment;
  }

  return {
    async release(deploymentId, ctx) {
      const { state } = await loadDeployment(store, deploymentId);
      const steps = state.exists ? expandStrategy(state.strategy, deps.stepOptions) : [];
      await commands.handle(
        deploymentStream(deploymentId),
        { type: 'Release', driver: deps.driverName, steps, reason: 'Its wave opened.' },
        ctx,
      );
      await executor.advance(deploymentId);
    },
    async promote(deploymentId, ctx, promotion) {
      const { events } = await loadDeployment(store, deploymentId);
      const started = events.find((e) => e.type === 'DeploymentStarted');
      await commands.handle(
        deploymentStream(deploymentId),
        {
          type: 'Promote',
          step: promotion?.step,
          by: ctx.actor.id,
          reason: promotion?.reason ?? 'Promoted.',
          startedAt: started ? started.metadata.occurredAt : ctx.now.toISOString(),
        },
        ctx,
      );
      await executor.advance(deploymentId);
    },
    async rollback(deploymentId, trigger, ctx) {
      await rollbackWithMetrics(deploymentId, trigger, ctx, null);
    },
    rollbackWithMetrics,
  };
}
