import { isDeepStrictEqual } from 'node:util';
import {
  type Actor,
  FlagErrorCodes,
  type FlagSegmentEvent,
  ruleViolated,
  type TargetingRule,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { assertValidFlag, assertValidSegment, type FlagEntry, segmentRefs } from './flag-set.js';

/** A segment: a named targeting rule that flags share through `{"$ref": name}` (flagd's `$evaluators`). */
export type SegmentState =
  | { exists: false }
  | { exists: true; name: string; rule: TargetingRule; description?: string };

/**
 * Defines or replaces a segment. `dependents` are the flags that refer to it now and `segments` every other
 * segment those flags use, both as the slice read them: each dependent must still be a valid flag under the new
 * rule, and the event names them, so the history says which flags a segment change moved.
 */
export interface PutSegment {
  type: 'PutSegment';
  actor: Actor;
  at: Date;
  name: string;
  rule: TargetingRule;
  description?: string;
  reason: string;
  dependents: Record<string, FlagEntry>;
  segments: Record<string, TargetingRule>;
}

export function evolveSegment(state: SegmentState, event: FlagSegmentEvent): SegmentState {
  switch (event.type) {
    case 'SegmentDefined':
      return { exists: true, name: event.data.name, rule: event.data.rule, description: event.data.description };
    case 'SegmentChanged':
      return state.exists ? { ...state, rule: event.data.rule } : state;
  }
}

export const segmentDecider: Decider<PutSegment, FlagSegmentEvent, SegmentState> = {
  initialState: { exists: false },
  evolve: evolveSegment,
  decide(command, state) {
    assertValidSegment(command.name, command.rule);
    if (!state.exists) {
      return [
        {
          type: 'SegmentDefined',
          data: {
            name: command.name,
            rule: command.rule,
            ...(command.description === undefined ? {} : { description: command.description }),
            reason: command.reason,
            definedBy: command.actor.id,
          },
        },
      ];
    }
    // Structural, not textual: the stored rule comes back from jsonb with its keys reordered.
    if (isDeepStrictEqual(state.rule, command.rule)) {
      throw ruleViolated(FlagErrorCodes.SEGMENT_UNCHANGED, 'The segment already has this rule: nothing to record.');
    }
    const segments = { ...command.segments, [command.name]: command.rule };
    const affected = Object.keys(command.dependents)
      .filter((key) => segmentRefs(command.dependents[key]!.definition.targeting).includes(command.name))
      .sort();
    for (const key of affected)
      assertValidFlag(key, command.dependents[key]!, segments, FlagErrorCodes.SEGMENT_INVALID);
    return [
      {
        type: 'SegmentChanged',
        data: {
          name: command.name,
          rule: command.rule,
          reason: command.reason,
          changedBy: command.actor.id,
          affectedFlags: affected,
        },
      },
    ];
  },
};
