import { DomainError } from '@railyard/contracts';
import type { Decider, DomainEvent } from '@railyard/eventstore';
import { expect } from 'vitest';

/** The assertions available once the command is known. Each one runs `decide` and fails the test on a mismatch. */
export interface DeciderThen<Event extends DomainEvent, State> {
  /**
   * The command records exactly these events, in this order. Returns them for further assertions.
   * (Named `then` for the given/when/then vocabulary: never `await` the result of `when`.)
   */
  then(expected: readonly Event[]): Event[];
  /** The command is refused with a DomainError carrying this code. Returns the error for further assertions. */
  thenThrows(code: string): DomainError;
  /** The command is accepted and records nothing (an idempotent repeat, say). */
  thenNothing(): void;
  /** The state the given events fold to, before the command: for assertions on evolve itself. */
  readonly state: State;
}

export interface DeciderWhen<Command, Event extends DomainEvent, State> {
  when(command: Command): DeciderThen<Event, State>;
}

export interface DeciderSpec<Command, Event extends DomainEvent, State> extends DeciderWhen<Command, Event, State> {
  /** The aggregate's history: folded with `evolve` over `initialState`. */
  given(events: readonly Event[]): DeciderWhen<Command, Event, State>;
}

function describeThrown(err: unknown): string {
  if (err instanceof DomainError) return `DomainError ${err.code} (${err.kind}): ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function describeEvents(events: readonly DomainEvent[]): string {
  return events.length === 0 ? 'no events' : `events [${events.map((e) => e.type).join(', ')}]`;
}

function thenFor<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  state: State,
  command: Command,
): DeciderThen<Event, State> {
  // Runs decide and turns an unexpected outcome into a readable failure rather than a bare stack trace.
  const decide = (expecting: string): Event[] => {
    try {
      return decider.decide(command, state);
    } catch (err) {
      return expect.unreachable(`expected ${expecting}, but decide threw ${describeThrown(err)}`);
    }
  };
  return {
    state,
    // biome-ignore lint/suspicious/noThenProperty: see DeciderThen.then.
    then(expected) {
      const actual = decide(describeEvents(expected));
      expect(actual, `decide returned ${describeEvents(actual)}`).toEqual(expected);
      return actual;
    },
    thenThrows(code) {
      let events: Event[];
      try {
        events = decider.decide(command, state);
      } catch (err) {
        if (!(err instanceof DomainError)) {
          return expect.unreachable(`expected DomainError ${code}, but decide threw ${describeThrown(err)}`);
        }
        expect(err.code, `decide threw ${describeThrown(err)}`).toBe(code);
        return err;
      }
      return expect.unreachable(`expected DomainError ${code}, but decide returned ${describeEvents(events)}`);
    },
    thenNothing() {
      const actual = decide('no events');
      expect(actual, `expected no events, but decide returned ${describeEvents(actual)}`).toEqual([]);
    },
  };
}

/**
 * A decider specification in given/when/then form for vitest:
 * `spec(decider).given([ReleasePlanned]).when(freeze).then([ReleaseFrozen])`, `.thenThrows(code)`, `.thenNothing()`.
 * Pure: no I/O, the decider's own `evolve` builds the state.
 */
export function spec<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
): DeciderSpec<Command, Event, State> {
  const given = (events: readonly Event[]): DeciderWhen<Command, Event, State> => {
    const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
    return { when: (command) => thenFor(decider, state, command) };
  };
  return { given, when: (command) => given([]).when(command) };
}
