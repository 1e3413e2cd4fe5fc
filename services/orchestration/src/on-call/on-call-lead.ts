import { type Kysely, sql } from 'kysely';

/** The principal on call for an environment at an instant, as announced by governance's rotations; null if none. */
export type OnCallLead = (environment: string, at: Date) => Promise<string | null>;

/**
 * The latest announced turn covering `at` (an override announced after a turn wins, as it starts later or was
 * announced later).
 */
export const onCallLeadOf =
  (db: Kysely<unknown>): OnCallLead =>
  async (environment, at) => {
    const { rows } = await sql<{ principal: string }>`
      SELECT principal FROM orchestration.on_call_turns
       WHERE environment = ${environment} AND starts_at <= ${at} AND ends_at > ${at}
       ORDER BY starts_at DESC, announced_position DESC LIMIT 1`.execute(db);
    return rows[0]?.principal ?? null;
  };
