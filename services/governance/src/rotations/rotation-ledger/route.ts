import { GovernanceErrorCodes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { WEEKEND_OR_HOLIDAY_WEIGHT, weightOf } from '../domain/fairness.js';
import { loadRotation } from '../rotation-store.js';
import { RotationParams } from '../rotation-view.js';

const Member = z.object({
  principal: z.string(),
  turns: z.number().int().describe('Turns (and overrides) this member led, as announced.'),
  overrides: z.number().int(),
  weightedTurns: z.number().describe(`Weighted days: weekend and public-holiday hours × ${WEEKEND_OR_HOLIDAY_WEIGHT}.`),
  weekendOrHolidayDays: z.number().int(),
  skipped: z.number().int().describe('Turns passed over for want of a lead grant.'),
  pages: z.number().int().describe("Monitoring's AnomalyEscalated for the environment while this member led."),
});

export interface RotationLedgerDeps {
  store: EventStore;
  pool: pg.Pool;
  now: () => Date;
}

/**
 * GET /rotations/:id/ledger — the fairness ledger (G8) over the turns actually announced (RotationTurnStarted): each
 * stretch runs until its end or the next announcement, whichever is first; pages are the escalations for the
 * rotation's environment in it. Every member appears, with zeros when they never led.
 */
export const rotationLedgerRoute: FastifyPluginAsyncZod<RotationLedgerDeps> = async (app, deps) => {
  app.get(
    '/rotations/:id/ledger',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager', 'auditor'] },
      schema: {
        summary: "A rotation's fairness ledger",
        tags: ['rotations'],
        params: RotationParams,
        response: { 200: z.object({ rotationId: z.uuid(), members: z.array(Member) }) },
      },
    },
    async (request) => {
      const { state, events } = await loadRotation(deps.store, request.params.id);
      const r = state.rotation;
      if (!r) throw notFound(GovernanceErrorCodes.ROTATION_NOT_FOUND, 'No rotation with this id.');
      const rows = new Map<string, z.infer<typeof Member>>();
      const row = (principal: string) => {
        let m = rows.get(principal);
        if (!m) {
          m = { principal, turns: 0, overrides: 0, weightedTurns: 0, weekendOrHolidayDays: 0, skipped: 0, pages: 0 };
          rows.set(principal, m);
        }
        return m;
      };
      for (const member of r.members) row(member);
      const turns = events.filter((e) => e.type === 'RotationTurnStarted').map((e) => e.data as unknown as TurnData);
      for (const [i, t] of turns.entries()) {
        const next = turns[i + 1];
        const from = new Date(t.startsAt);
        let to = new Date(t.endsAt);
        if (next && new Date(next.startsAt) < to) to = new Date(next.startsAt);
        if (to <= from) continue;
        const m = row(t.principal);
        m.turns += 1;
        if (t.override) m.overrides += 1;
        const w = weightOf(from, to, r.handoff.timeZone, r.holidays);
        m.weightedTurns = Math.round((m.weightedTurns + w.weight) * 100) / 100;
        m.weekendOrHolidayDays += w.weekendOrHolidayDays.length;
        for (const s of t.skipped) row(s.principal).skipped += 1;
        const { rows: pages } = await deps.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM governance.rotation_pages
            WHERE environment = $1 AND escalated_at >= $2 AND escalated_at < $3`,
          [r.environment, from, to],
        );
        m.pages += pages[0]?.n ?? 0;
      }
      return { rotationId: r.rotationId, members: [...rows.values()] };
    },
  );
};

interface TurnData {
  principal: string;
  startsAt: string;
  endsAt: string;
  override: boolean;
  skipped: { principal: string }[];
}
