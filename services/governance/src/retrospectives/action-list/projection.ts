import { type EventCatalogue, type RetrospectiveEvent, retrospectiveEvents } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { AnyTransaction } from '@railyard/readmodels';
import { sql } from 'kysely';

const catalogue = retrospectiveEvents as unknown as EventCatalogue;

/** Folds one retrospective event into governance.retrospective_actions; an event already in a row changes nothing. */
async function project(trx: AnyTransaction, event: RecordedEvent): Promise<void> {
  const definition = catalogue[event.type];
  const parsed = definition?.schema.safeParse(event.data);
  if (!parsed?.success) return;
  const e = { type: event.type, data: parsed.data } as RetrospectiveEvent;
  const position = event.position.toString();
  switch (e.type) {
    case 'RetrospectiveActionAdded': {
      const d = e.data;
      await sql`INSERT INTO governance.retrospective_actions
          (action_id, retrospective_id, description, owner, due_date, status, last_position)
        VALUES (${d.actionId}, ${d.retrospectiveId}, ${d.description}, ${d.owner}, ${d.dueDate}, 'open', ${position})
        ON CONFLICT (action_id) DO NOTHING`.execute(trx);
      return;
    }
    case 'RetrospectiveActionCompleted':
      await sql`UPDATE governance.retrospective_actions
        SET status = 'done', completed_at = ${new Date(e.data.completedAt)}, last_position = ${position}
        WHERE action_id = ${e.data.actionId} AND last_position < ${position}`.execute(trx);
      return;
    case 'RetrospectiveItemAdopted':
      // Feedback items have no row: the update finds none.
      await sql`UPDATE governance.retrospective_actions
        SET adopted_policy = ${e.data.policyName}, adopted_version = ${e.data.policyVersion}, last_position = ${position}
        WHERE action_id = ${e.data.itemId} AND last_position < ${position}`.execute(trx);
      return;
    default:
      return;
  }
}

/** `retrospective-actions`: every retrospective's action items, for the list (and its overdue filter). */
export const retrospectiveActionsProjection = {
  name: 'retrospective-actions',
  schema: 'governance',
  filter: { categories: ['retrospective'] },
  project,
  async reset(trx: AnyTransaction) {
    await sql`TRUNCATE governance.retrospective_actions`.execute(trx);
  },
} as const;
