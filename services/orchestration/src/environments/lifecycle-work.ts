import { environmentStream } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import type { Kysely } from 'kysely';
import type { EnvironmentListDb } from './environment-list/projection.js';
import type { EnvironmentCommands } from './environment-store.js';

/** The environments' share of the lifecycle scheduler's work (E4): candidates from the read model, the Tick command. */
export function environmentLifecycleWork(db: Kysely<EnvironmentListDb>, commands: EnvironmentCommands) {
  return {
    async dueEnvironments(at: Date): Promise<string[]> {
      const rows = await db
        .selectFrom('orchestration.environments')
        .select('name')
        .where((eb) =>
          eb.or([
            eb.and([eb('expires_at', '<=', at), eb('torn_down_at', 'is', null)]),
            eb('recreate_cron', 'is not', null),
          ]),
        )
        .execute();
      return rows.map((r) => r.name);
    },
    async tickEnvironment(name: string, at: Date, ctx: CommandContext): Promise<number> {
      return (await commands.handle(environmentStream(name), { type: 'Tick', at }, ctx)).events.length;
    },
  };
}
