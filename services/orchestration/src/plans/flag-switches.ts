import { DomainError, FlagErrorCodes } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import { createFlagCommands, flagStream, loadFlag } from '../flags/flag-commands.js';

/** What a rollout plan does with feature flags (issue 12, item 5), through the flag capability's own commands. */
export interface PlanFlagSwitches {
  exists(key: string): Promise<boolean>;
  /** Enables the flag; an already enabled flag is fine. */
  enable(key: string, reason: string, ctx: CommandContext): Promise<void>;
  /** The kill switch; an already killed flag is fine. */
  kill(key: string, reason: string, ctx: CommandContext): Promise<void>;
}

const tolerated = (error: unknown, code: string) => error instanceof DomainError && error.code === code;

export function flagSwitches(store: EventStore): PlanFlagSwitches {
  const commands = createFlagCommands(store);
  return {
    exists: async (key) => (await loadFlag(store, key)).state.exists,
    async enable(key, reason, ctx) {
      try {
        await commands.handle(
          flagStream(key),
          { type: 'ChangeFlagState', state: 'ENABLED', actor: ctx.actor, at: ctx.now, reason },
          ctx,
        );
      } catch (error) {
        if (!tolerated(error, FlagErrorCodes.FLAG_UNCHANGED)) throw error;
      }
    },
    async kill(key, reason, ctx) {
      try {
        await commands.handle(flagStream(key), { type: 'KillFlag', actor: ctx.actor, at: ctx.now, reason }, ctx);
      } catch (error) {
        if (!tolerated(error, FlagErrorCodes.FLAG_ALREADY_KILLED)) throw error;
      }
    },
  };
}
