/**
 * A decider (DESIGN §4): pure functions over an aggregate. `decide` gets time, ids and the actor inside the
 * command, so it never reads a clock or a random source itself.
 */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  /** The events that record the command's effect; throws a DomainError when a rule refuses it. */
  decide(command: Command, state: State): Event[];
}

/** Folds events over the decider's initial state. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}
