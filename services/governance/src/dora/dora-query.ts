import { GovernanceErrorCodes as Codes, invalid, notFound } from '@railyard/contracts';
import type pg from 'pg';
import { servicesOfTeam } from './dora-facts.js';

/** `asOf` must not be ahead of the clock: a figure "as known" at an instant nobody has reached yet means nothing. */
export function resolveAsOf(asOf: string | undefined, now: Date): Date {
  if (!asOf) return now;
  const at = new Date(asOf);
  if (at.getTime() > now.getTime()) {
    throw invalid(Codes.AS_OF_IN_FUTURE, 'asOf is in the future.', { asOf, now: now.toISOString() });
  }
  return at;
}

/** The services a query covers: a team's (404 for a team with none), one service, both intersected, or all (null). */
export async function servicesInScope(pool: pg.Pool, q: { service?: string; team?: string }): Promise<string[] | null> {
  if (!q.team) return q.service ? [q.service] : null;
  const services = await servicesOfTeam(pool, q.team);
  if (!services) throw notFound(Codes.TEAM_UNKNOWN, `No service belongs to team ${q.team}.`);
  return q.service ? services.filter((s) => s === q.service) : services;
}
