import type { DeploymentStepPlan, RolloutStrategy } from '@railyard/contracts';

/** What shapes the steps beyond the run's strategy: how long blue-green keeps the old version (configuration). */
export interface StepOptions {
  keepMinutes: number;
}

/**
 * A run's strategy (L5) as the driver's list of steps (O7):
 * - canary: each of the run's steps sets a weight, then pauses for its minutes (no pause step for 0 minutes), or
 *   holds until promoted (`pause: 'until-promoted'`, Argo Rollouts' indefinite `pause: {}`, as an idea); a
 *   final `set-weight 100` promotes fully unless the last step already did (Argo Rollouts' setWeight/pause, as an idea);
 * - blue-green: deploy the preview, switch all traffic, retire the old version after `keepMinutes`;
 * - rolling: batches of `batchPercent` until every instance runs the new version.
 */
export function expandStrategy(strategy: RolloutStrategy, options: StepOptions): DeploymentStepPlan[] {
  const plans: Omit<DeploymentStepPlan, 'step'>[] = [];
  switch (strategy.type) {
    case 'canary': {
      for (const s of strategy.steps) {
        plans.push({ action: 'set-weight', weight: s.weight });
        // A pause until promoted is a pause of 0 minutes: held, no timer, a decision for the lead (O6).
        if (s.pause === 'until-promoted') plans.push({ action: 'pause', pauseMinutes: 0 });
        else if (s.pauseMinutes > 0) plans.push({ action: 'pause', pauseMinutes: s.pauseMinutes });
      }
      if (strategy.steps.at(-1)?.weight !== 100) plans.push({ action: 'set-weight', weight: 100 });
      break;
    }
    case 'blue-green':
      plans.push(
        { action: 'deploy-preview' },
        { action: 'switch' },
        { action: 'retire-old', keepMinutes: options.keepMinutes },
      );
      break;
    case 'rolling':
      for (let done = 0; done < 100; done += strategy.batchPercent) {
        plans.push({ action: 'roll-batch', batchPercent: strategy.batchPercent });
      }
      break;
  }
  return plans.map((p, step) => ({ step, ...p }));
}
