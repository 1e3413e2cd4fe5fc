import { type Actor, ErrorCodes, notFound, PlanningErrorCodes, ruleViolated } from '@railyard/contracts';
import type { PlannedRelease, ReleaseState, ReleaseStatus } from './release.js';

/** What every release command carries besides its own fields: who asks, and when (never read from a clock here). */
export interface Issued {
  actor: Actor;
  at: Date;
}

/** The release, or 404 when the stream is empty. */
export function planned(state: ReleaseState): PlannedRelease {
  if (!state.exists) throw notFound(ErrorCodes.PLANNING_RELEASE_NOT_FOUND, 'No release with this id.');
  return state;
}

/** Refuses a command the release's state does not allow (409, with the state and the states that would). */
export function requireStatus(release: PlannedRelease, allowed: readonly ReleaseStatus[], what: string): void {
  if (allowed.includes(release.status)) return;
  if (release.status === 'frozen' && (allowed.includes('draft') || allowed.includes('scoped'))) {
    throw ruleViolated(ErrorCodes.PLANNING_FREEZE_ACTIVE, `The release is frozen since ${release.frozenAt}: ${what}.`, {
      frozenAt: release.frozenAt,
    });
  }
  throw ruleViolated(PlanningErrorCodes.INVALID_TRANSITION, `A release that is ${release.status} cannot ${what}.`, {
    status: release.status,
    allowed,
  });
}

/**
 * P4: once the release is frozen, or its cutoff has passed, adding or removing scope needs an approved exception.
 * Later states (CAB-approved onwards) take no scope change at all.
 */
export function scopeLocked(release: PlannedRelease, at: Date): boolean {
  if (release.status === 'frozen') return true;
  return release.freezeCutoff !== undefined && at.getTime() >= Date.parse(release.freezeCutoff);
}

export const isTerminal = (status: ReleaseStatus) =>
  status === 'released' || status === 'rolled-back' || status === 'cancelled';

/** States before deploying: where planning still changes a release. */
export const OPEN_STATES: readonly ReleaseStatus[] = ['draft', 'scoped', 'frozen', 'cab-approved'];
export const PRE_FREEZE: readonly ReleaseStatus[] = ['draft', 'scoped'];
