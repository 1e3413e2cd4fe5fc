import { isDeepStrictEqual } from 'node:util';
import {
  type Actor,
  type FlagDefinition,
  FlagErrorCodes,
  type FlagEvent,
  type FlagState,
  notFound,
  ruleViolated,
  type TargetingRule,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { assertValidFlag, defaultOffVariant, type FlagEntry } from './flag-set.js';

/** A feature flag (O4): its flagd definition, the variant its kill switch serves, and whether the switch is on. */
export type Flag = FlagEntry & { exists: true; key: string };
export type FlagAggregateState = { exists: false } | Flag;

interface Issued {
  actor: Actor;
  at: Date;
  reason: string;
  /** The segments the new definition refers to, as they are now (the slice loads them): to validate `$ref`s. */
  segments?: Record<string, TargetingRule>;
}
export type DefineFlag = Issued & { type: 'DefineFlag'; key: string; definition: FlagDefinition; offVariant?: string };
export type ChangeFlagTargeting = Issued & { type: 'ChangeFlagTargeting'; targeting: TargetingRule | null };
export type ChangeFlagVariants = Issued & {
  type: 'ChangeFlagVariants';
  variants: FlagDefinition['variants'];
  defaultVariant: string;
  offVariant?: string;
};
export type ChangeFlagState = Issued & { type: 'ChangeFlagState'; state: FlagState };
export type KillFlag = Issued & { type: 'KillFlag' };
export type RestoreFlag = Issued & { type: 'RestoreFlag' };
export type FlagCommand =
  | DefineFlag
  | ChangeFlagTargeting
  | ChangeFlagVariants
  | ChangeFlagState
  | KillFlag
  | RestoreFlag;

export function evolveFlag(state: FlagAggregateState, event: FlagEvent): FlagAggregateState {
  if (event.type === 'FlagDefined') {
    const { key, definition, offVariant } = event.data;
    return { exists: true, key, definition, offVariant, killed: false };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'FlagTargetingChanged': {
      const { targeting: _old, ...rest } = state.definition;
      const definition = event.data.targeting === null ? rest : { ...rest, targeting: event.data.targeting };
      return { ...state, definition };
    }
    case 'FlagVariantsChanged': {
      const { variants, defaultVariant, offVariant } = event.data;
      return { ...state, offVariant, definition: { ...state.definition, variants, defaultVariant } };
    }
    case 'FlagStateChanged':
      return { ...state, definition: { ...state.definition, state: event.data.state } };
    case 'FlagKilled':
      return { ...state, killed: true, offVariant: event.data.offVariant };
    case 'FlagRestored':
      return { ...state, killed: false };
  }
}

// Structural, not textual: definitions come back from jsonb with their keys reordered.
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

function existing(state: FlagAggregateState): Flag {
  if (!state.exists) throw notFound(FlagErrorCodes.FLAG_NOT_FOUND, 'No flag with this key.');
  return state;
}

function unchanged(what: string): never {
  throw ruleViolated(FlagErrorCodes.FLAG_UNCHANGED, `The flag's ${what} is already that: nothing to record.`);
}

export const flagDecider: Decider<FlagCommand, FlagEvent, FlagAggregateState> = {
  initialState: { exists: false },
  evolve: evolveFlag,
  decide(command, state) {
    const { reason } = command;
    const segments = command.segments ?? {};
    switch (command.type) {
      case 'DefineFlag': {
        if (state.exists) throw ruleViolated(FlagErrorCodes.FLAG_EXISTS, `The flag "${command.key}" exists.`);
        const offVariant = command.offVariant ?? defaultOffVariant(command.definition);
        assertValidFlag(command.key, { definition: command.definition, offVariant, killed: false }, segments);
        return [
          {
            type: 'FlagDefined',
            data: { key: command.key, definition: command.definition, offVariant, reason, definedBy: command.actor.id },
          },
        ];
      }
      case 'ChangeFlagTargeting': {
        const flag = existing(state);
        if (same(flag.definition.targeting ?? null, command.targeting)) unchanged('targeting');
        const { targeting: _old, ...rest } = flag.definition;
        const definition = command.targeting === null ? rest : { ...rest, targeting: command.targeting };
        assertValidFlag(flag.key, { ...flag, definition }, segments);
        return [
          {
            type: 'FlagTargetingChanged',
            data: { key: flag.key, targeting: command.targeting, reason, changedBy: command.actor.id },
          },
        ];
      }
      case 'ChangeFlagVariants': {
        const flag = existing(state);
        const definition = { ...flag.definition, variants: command.variants, defaultVariant: command.defaultVariant };
        const offVariant =
          command.offVariant ??
          (command.variants[flag.offVariant] !== undefined ? flag.offVariant : defaultOffVariant(definition));
        if (same(flag.definition, definition) && offVariant === flag.offVariant) unchanged('variants');
        assertValidFlag(flag.key, { ...flag, definition, offVariant }, segments);
        return [
          {
            type: 'FlagVariantsChanged',
            data: {
              key: flag.key,
              variants: command.variants,
              defaultVariant: command.defaultVariant,
              offVariant,
              reason,
              changedBy: command.actor.id,
            },
          },
        ];
      }
      case 'ChangeFlagState': {
        const flag = existing(state);
        if (flag.definition.state === command.state) unchanged('state');
        return [
          {
            type: 'FlagStateChanged',
            data: { key: flag.key, state: command.state, reason, changedBy: command.actor.id },
          },
        ];
      }
      case 'KillFlag': {
        const flag = existing(state);
        if (flag.killed) throw ruleViolated(FlagErrorCodes.FLAG_ALREADY_KILLED, 'The flag is already killed.');
        return [
          {
            type: 'FlagKilled',
            data: { key: flag.key, offVariant: flag.offVariant, reason, killedBy: command.actor.id },
          },
        ];
      }
      case 'RestoreFlag': {
        const flag = existing(state);
        if (!flag.killed) throw ruleViolated(FlagErrorCodes.FLAG_NOT_KILLED, 'The flag is not killed.');
        return [{ type: 'FlagRestored', data: { key: flag.key, reason, restoredBy: command.actor.id } }];
      }
    }
  },
};
