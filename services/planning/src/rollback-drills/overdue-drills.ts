import { type Kysely, sql } from 'kysely';
import type { OverdueDrill } from '../releases/domain/risk-score.js';

/** Reads the services whose rollback drill is overdue, as planning learnt them; handed to the slices that score risk. */
export type OverdueDrills = () => Promise<OverdueDrill[]>;

/** The overdue set from `planning.rollback_drill_status` (filled by `planning--rollback-drills`). */
export const overdueDrillsOf =
  (db: Kysely<unknown>): OverdueDrills =>
  async () => {
    const { rows } = await sql<{ service: string; overdue_due_at: Date }>`
      SELECT service, overdue_due_at FROM planning.rollback_drill_status
       WHERE overdue_due_at IS NOT NULL ORDER BY service`.execute(db);
    return rows.map((r) => ({ service: r.service, dueAt: r.overdue_due_at.toISOString() }));
  };
