import { isDeepStrictEqual } from 'node:util';
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
  // Compared as values, not as JSON text: stored events come back from jsonb with their keys reordered.
  if (current && isDeepStrictEqual(current.criteria, command.criteria)) return [];
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
