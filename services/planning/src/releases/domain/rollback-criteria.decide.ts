import type { ReleaseEvent, RollbackThresholds } from '@railyard/contracts';
import type { ReleaseState } from './release.js';
import { type Issued, OPEN_STATES, planned, requireStatus } from './release-rules.js';

export type PublishRollbackCriteria = Issued & {
  type: 'PublishRollbackCriteria';
  service: string;
  criteria: RollbackThresholds;
};

/**
 * Rollback criteria for one service (P6), replacing earlier ones for it; published as an event monitoring enforces.
 * Changeable until deploying starts: once it has, monitoring is already enforcing them.
 */
export function publishRollbackCriteria(command: PublishRollbackCriteria, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, OPEN_STATES, 'change rollback criteria');
  const current = release.rollbackCriteria.find((c) => c.service === command.service);
  if (current && JSON.stringify(current.criteria) === JSON.stringify(command.criteria)) return [];
  return [
    {
      type: 'RollbackCriteriaPublished',
      data: {
        releaseId: release.id,
        service: command.service,
        criteria: command.criteria,
        publishedBy: command.actor.id,
      },
    },
  ];
}
