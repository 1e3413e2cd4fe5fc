import type { RollbackTrigger } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';

/**
 * The seam between two capabilities of orchestration part 2 (issue 11), agreed before either is built:
 * - `deployments/` (one deployment of one service: checks, driver steps, callbacks, rollback) owns `deployment-<id>`;
 * - `plans/` (rollout plans in waves, migrations, runbooks, the lead) owns `rolloutPlan-<id>` and its neighbours.
 * Neither imports the other: app.ts and runtime.ts hand each the other's functions through these interfaces.
 */

/** What a deployment asks the plans before it starts (after the part-1 checks passed). */
export interface WaveGate {
  admit(deployment: {
    deploymentId: string;
    releaseId: string | null;
    service: string;
    environment: string;
    version: string;
  }): Promise<WaveAdmission>;
}
export type WaveAdmission =
  /** No plan covers it, or its wave is open: start now. */
  | { decision: 'start'; planId: string | null; reason: string }
  /** Its wave has not opened yet: record `DeploymentScheduled` with the plan and wait for `DeploymentControl.release`. */
  | { decision: 'wait'; planId: string; reason: string }
  /** The plan refuses it (aborted plan, version not the planned one, a migration that must run first…). */
  | { decision: 'refuse'; planId: string; check: 'plan' | 'migration'; reason: string };

/** What the plans may ask of deployments. Every method is idempotent. */
export interface DeploymentControl {
  /** Starts a deployment that waited for its wave. */
  release(deploymentId: string, ctx: CommandContext): Promise<void>;
  /** Rolls one deployment back to its rollback target, recording the pre-rollback snapshot first. */
  rollback(deploymentId: string, trigger: RollbackTrigger, ctx: CommandContext): Promise<void>;
  /**
   * Promotes a canary held at a pause until promoted (O6): records `DeploymentPromoted` and continues with the next
   * step. `step` names the held step meant (a decision's); a deployment no longer held there is left as it is.
   */
  promote(deploymentId: string, ctx: CommandContext, options?: { step?: number; reason?: string }): Promise<void>;
}

/** What a rollback asks the plans' migrations before it acts (O2). */
export interface MigrationGuard {
  rollbackAllowed(input: {
    service: string;
    environment: string;
    fromVersion: string;
    toVersion: string | null;
  }): Promise<{ allowed: true } | { allowed: false; migrationId: string; reason: string }>;
}

/** The defaults while no plan exists: every deployment starts, every rollback is allowed. */
export const noPlans: WaveGate = {
  admit: async () => ({ decision: 'start', planId: null, reason: 'No rollout plan covers this deployment.' }),
};
export const noMigrations: MigrationGuard = { rollbackAllowed: async () => ({ allowed: true }) };
