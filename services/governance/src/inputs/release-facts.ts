import { type EventCatalogue, type ReleaseEvent, releaseEvents } from '@railyard/contracts';
import { decodeFact, type Fold, occurredAt } from '../reporting/fact-event.js';

const catalogue = releaseEvents as unknown as EventCatalogue;

/**
 * Folds planning's `release-<id>` events into reporting.releases, reporting.approvals (CAB decisions) and
 * reporting.freeze_exceptions. Scope, dependency and compliance events stay in planning's own read models.
 */
export const foldReleaseFact: Fold = async (exec, event) => {
  if (!(event.type in catalogue)) return 'applied';
  const decoded = decodeFact<ReleaseEvent['data']>(catalogue, event);
  if (!decoded) return 'invalid';
  const e = { type: event.type, data: decoded } as ReleaseEvent;
  const at = occurredAt(event);
  const setRelease = (releaseId: string, set: string, values: unknown[]) =>
    exec.query(`UPDATE reporting.releases SET ${set}, last_event_id = $2, updated_at = $3 WHERE release_id = $1`, [
      releaseId,
      event.id,
      at,
      ...values,
    ]);
  switch (e.type) {
    case 'ReleasePlanned': {
      const d = e.data;
      await exec.query(
        `INSERT INTO reporting.releases (release_id, name, target_date, train_id, owner, status, planned_at,
           planned_event_id, last_event_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $7, $6) ON CONFLICT (release_id) DO NOTHING`,
        [d.releaseId, d.name, d.targetDate, d.trainId ?? null, d.owner, at, event.id],
      );
      break;
    }
    case 'ReleaseFrozen':
      await setRelease(e.data.releaseId, `status = 'frozen', frozen_at = $3`, []);
      break;
    case 'ReleaseDeploymentStarted':
      await setRelease(e.data.releaseId, `status = 'deploying'`, []);
      break;
    case 'ReleaseReleased':
      await setRelease(e.data.releaseId, `status = 'released', released_at = $4`, [new Date(e.data.releasedAt)]);
      break;
    case 'ReleaseRolledBack':
      await setRelease(e.data.releaseId, `status = 'rolled-back', rolled_back_at = $3`, []);
      break;
    case 'ReleaseCancelled':
      await setRelease(e.data.releaseId, `status = 'cancelled', cancelled_at = $3`, []);
      break;
    case 'CabDecisionRecorded': {
      const d = e.data;
      await exec.query(
        `INSERT INTO reporting.approvals (event_id, release_id, round, decision, policy_id, policy_version,
           risk_score, risk_level, voters, conditions, reason, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (event_id) DO NOTHING`,
        [
          event.id,
          d.releaseId,
          d.round,
          d.decision,
          d.policyId,
          d.policyVersion,
          d.score,
          d.level,
          d.voters,
          JSON.stringify(d.conditions),
          d.reason ?? null,
          at,
        ],
      );
      if (d.decision === 'approved') await setRelease(d.releaseId, `status = 'cab-approved'`, []);
      break;
    }
    case 'FreezeExceptionRequested': {
      const d = e.data;
      await exec.query(
        `INSERT INTO reporting.freeze_exceptions (exception_id, release_id, change, justification, requested_by,
           requested_at, requested_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (exception_id) DO NOTHING`,
        [d.exceptionId, d.releaseId, JSON.stringify(d.change), d.justification, d.requestedBy, at, event.id],
      );
      break;
    }
    case 'FreezeExceptionDecided': {
      const d = e.data;
      await exec.query(
        `UPDATE reporting.freeze_exceptions SET decision = $2, decided_by = $3, decided_at = $4,
           decision_reason = $5, decided_event_id = $6 WHERE exception_id = $1`,
        [d.exceptionId, d.decision, d.decidedBy, at, d.reason ?? null, event.id],
      );
      break;
    }
    case 'FreezeExceptionUsed':
      await exec.query(
        'UPDATE reporting.freeze_exceptions SET used_at = $2, used_event_id = $3 WHERE exception_id = $1',
        [e.data.exceptionId, at, event.id],
      );
      break;
    default:
      break;
  }
  return 'applied';
};
