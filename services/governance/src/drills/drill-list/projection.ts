import type { RecordedEvent } from '@railyard/eventstore';
import type { AnyTransaction } from '@railyard/readmodels';
import { CompiledQuery } from 'kysely';
import { DEFAULT_DRILL_INTERVAL_DAYS } from '../domain/drill.decide.js';

/** Table `governance.rollback_drills`: one row per service, for the overdue list and the scheduler. */
export interface DrillListRow {
  service: string;
  interval_days: number;
  next_due_at: Date | null;
  overdue_due_at: Date | null;
  last_performed_at: Date | null;
  drill_count: number;
  last_event_id: string;
  last_position: string;
}

type D = Record<string, unknown>;

/** Folds one drill event; skips an event at or before the row's last_position (idempotent on replay). */
async function project(trx: AnyTransaction, event: RecordedEvent): Promise<void> {
  const d = event.data as D;
  const service = d.service as string;
  const run = (text: string, params: unknown[]) => trx.executeQuery(CompiledQuery.raw(text, params));
  // The row exists before any update below; a new one starts with the default interval and nothing due.
  await run(
    `INSERT INTO governance.rollback_drills (service, interval_days, last_event_id, last_position)
     VALUES ($1, $2, $3, -1) ON CONFLICT (service) DO NOTHING`,
    [service, DEFAULT_DRILL_INTERVAL_DAYS, event.id],
  );
  const guard = 'WHERE service = $1 AND last_position < $2';
  const position = String(event.position);
  switch (event.type) {
    case 'RollbackDrillScheduled':
      await run(
        `UPDATE governance.rollback_drills SET interval_days = $3, next_due_at = $4, last_event_id = $5,
           last_position = $2 ${guard}`,
        [service, position, d.intervalDays, d.nextDueAt, event.id],
      );
      return;
    case 'RollbackDrillRecorded':
      await run(
        `UPDATE governance.rollback_drills SET next_due_at = $3, overdue_due_at = NULL,
           last_performed_at = greatest(last_performed_at, $4::timestamptz), drill_count = drill_count + 1,
           last_event_id = $5, last_position = $2 ${guard}`,
        [service, position, d.nextDueAt, d.performedAt, event.id],
      );
      return;
    case 'RollbackDrillOverdue':
      await run(
        `UPDATE governance.rollback_drills SET overdue_due_at = $3, last_event_id = $4, last_position = $2 ${guard}`,
        [service, position, d.dueAt, event.id],
      );
      return;
  }
}

/** The drill list (G6): schedules, last drills and declared overdue dates, from `rollbackDrill-*`. */
export const drillListProjection = {
  name: 'rollback-drills',
  schema: 'governance',
  filter: { categories: ['rollbackDrill'] },
  project,
  /** For `railyard rebuild rollback-drills`: the table is this projection's alone. */
  async reset(trx: AnyTransaction) {
    await trx.executeQuery(CompiledQuery.raw('DELETE FROM governance.rollback_drills', []));
  },
};
