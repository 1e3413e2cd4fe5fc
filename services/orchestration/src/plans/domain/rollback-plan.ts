import type { PlanRollbackStep } from '@railyard/contracts';
import type { Plan, PlanDeployment } from './plan.js';
import { rollbackBlocker, type SchemaState } from './schema.js';

/**
 * The deployment live for a service in an environment at a stage: the newest that started or succeeded, or whose
 * own rollback failed (deployments record `DeploymentRollbackFailed` when the MigrationGuard refuses one, or the
 * agent fails it): its new version still serves, so the plan's compensation must still name it.
 */
function live(plan: Plan, service: string, environment: string, stage: number): PlanDeployment | undefined {
  return plan.deployments.findLast(
    (d) =>
      d.service === service &&
      d.environment === environment &&
      d.stage === stage &&
      (d.status === 'succeeded' || d.status === 'started' || d.status === 'rollback-failed'),
  );
}

/**
 * A plan's compensation (R1), derived before anyone needs it: kill the flags the plan names, then the waves that
 * opened in reverse order (last environment's last wave first), each deployment back to its rollback target and
 * then the plan's migrations of it down, newest first. Where a migration forbids it (irreversible, or a contract
 * already run), the deployment's step is a refusal naming the migration and nothing of that service is reversed.
 */
export function derivePlanRollback(plan: Plan, schemas: Record<string, SchemaState>): PlanRollbackStep[] {
  const steps: PlanRollbackStep[] = plan.flags
    .filter((f) => f.killOnRollback)
    .map((f) => ({ kind: 'kill-flag' as const, key: f.key }));
  for (let stage = plan.started - 1; stage >= 0; stage--) {
    const environment = plan.environments[Math.floor(stage / plan.waves.length)]!;
    const services = [...plan.waves[stage % plan.waves.length]!].reverse();
    for (const service of services) {
      const d = live(plan, service, environment, stage);
      if (!d) continue;
      const schema = schemas[service] ?? { service, migrations: [] };
      const blocker = rollbackBlocker(schema, environment, d.rollbackTo);
      const at = { stage, service, environment };
      if (blocker) {
        steps.push({ kind: 'refused', ...at, deploymentId: d.deploymentId, ...blocker });
        continue;
      }
      steps.push({
        kind: 'rollback-deployment',
        ...at,
        deploymentId: d.deploymentId,
        from: d.version,
        to: d.rollbackTo,
      });
      const downs = schema.migrations
        .filter((m) => m.planId === plan.planId && m.applied[environment] && m.down !== null)
        .sort((a, b) => b.sequence - a.sequence);
      for (const m of downs) {
        steps.push({ kind: 'down-migration', ...at, migrationId: m.migrationId, down: m.down! });
      }
    }
  }
  return steps;
}

/**
 * The steps a rollback may perform now (kill flags first, then one stage at a time, highest first): a stage's down
 * migrations only once its deployments are rolled back, and the next stage only once this one is finished.
 */
export function nextRollbackSteps(
  steps: readonly PlanRollbackStep[],
  outcomes: readonly (string | null)[],
): { index: number; step: PlanRollbackStep }[] {
  const indexed = steps.map((step, index) => ({ step, index, outcome: outcomes[index] ?? null }));
  const flags = indexed.filter((x) => x.step.kind === 'kill-flag' && x.outcome === null);
  if (flags.length > 0) return flags;
  const final = (o: string | null) => o === 'done' || o === 'failed' || o === 'refused';
  const stages = [...new Set(indexed.flatMap((x) => ('stage' in x.step ? [x.step.stage] : [])))].sort((a, b) => b - a);
  for (const stage of stages) {
    const inStage = indexed.filter((x) => 'stage' in x.step && x.step.stage === stage);
    const apps = inStage.filter((x) => x.step.kind === 'rollback-deployment');
    if (apps.some((x) => x.outcome === null)) return apps.filter((x) => x.outcome === null);
    if (!apps.every((x) => final(x.outcome))) return [];
    const downs = inStage.filter((x) => x.step.kind === 'down-migration');
    if (downs.some((x) => x.outcome === null)) return downs.filter((x) => x.outcome === null);
    if (!downs.every((x) => final(x.outcome))) return [];
  }
  return [];
}
