import { PlanningErrorCodes, type ReleaseEvent, ruleViolated } from '@railyard/contracts';
import type { ReleaseState } from './release.js';
import { type Issued, OPEN_STATES, planned, requireStatus } from './release-rules.js';

export type StartDeployment = Issued & { type: 'StartDeployment' };
export type MarkReleased = Issued & { type: 'MarkReleased' };
export type RollBackRelease = Issued & { type: 'RollBackRelease'; reason: string };
export type CancelRelease = Issued & { type: 'CancelRelease'; reason: string };
export type LifecycleCommand = StartDeployment | MarkReleased | RollBackRelease | CancelRelease;

/** cab-approved → deploying, once every CAB condition is acknowledged (P3). */
export function startDeployment(command: StartDeployment, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['cab-approved'], 'start deploying');
  const open = release.conditions.filter((c) => !c.acknowledgedBy);
  if (open.length > 0) {
    throw ruleViolated(
      PlanningErrorCodes.CAB_CONDITIONS_OPEN,
      `${open.length} CAB condition(s) are not acknowledged.`,
      {
        conditionIds: open.map((c) => c.id),
      },
    );
  }
  return [{ type: 'ReleaseDeploymentStarted', data: { releaseId: release.id, startedBy: command.actor.id } }];
}

export function markReleased(command: MarkReleased, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['deploying'], 'be marked released');
  return [{ type: 'ReleaseReleased', data: { releaseId: release.id, releasedAt: command.at.toISOString() } }];
}

export function rollBack(command: RollBackRelease, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['deploying'], 'be rolled back');
  return [{ type: 'ReleaseRolledBack', data: { releaseId: release.id, reason: command.reason } }];
}

/** Called off any time before deploying; afterwards only a rollback undoes it. */
export function cancel(command: CancelRelease, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, OPEN_STATES, 'be cancelled');
  return [
    {
      type: 'ReleaseCancelled',
      data: { releaseId: release.id, reason: command.reason, cancelledBy: command.actor.id },
    },
  ];
}
