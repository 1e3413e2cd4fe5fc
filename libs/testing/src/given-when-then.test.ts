import { DomainError, ruleViolated } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { describe, expect, it } from 'vitest';
import { spec } from './given-when-then.js';

// A toy counter: opened once, incremented while open, closing twice is a no-op.
type CounterEvent =
  | { type: 'CounterOpened'; data: { id: string } }
  | { type: 'CounterIncremented'; data: { by: number } }
  | { type: 'CounterClosed'; data: Record<string, never> };
type CounterCommand =
  | { type: 'Open'; id: string }
  | { type: 'Increment'; by: number }
  | { type: 'Close' }
  | { type: 'Explode' };
type CounterState = { status: 'none' | 'open' | 'closed'; total: number };

const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { status: 'none', total: 0 },
  evolve(state, event) {
    switch (event.type) {
      case 'CounterOpened':
        return { status: 'open', total: 0 };
      case 'CounterIncremented':
        return { ...state, total: state.total + event.data.by };
      case 'CounterClosed':
        return { ...state, status: 'closed' };
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        if (state.status !== 'none') throw ruleViolated('TOY_COUNTER_EXISTS', 'already opened');
        return [{ type: 'CounterOpened', data: { id: command.id } }];
      case 'Increment':
        if (state.status !== 'open') throw ruleViolated('TOY_COUNTER_NOT_OPEN', 'not open');
        return [{ type: 'CounterIncremented', data: { by: command.by } }];
      case 'Close':
        return state.status === 'closed' ? [] : [{ type: 'CounterClosed', data: {} }];
      case 'Explode':
        throw new TypeError('not a domain error');
    }
  },
};

const opened: CounterEvent = { type: 'CounterOpened', data: { id: 'c1' } };
const closed: CounterEvent = { type: 'CounterClosed', data: {} };

describe('spec(decider) given/when/then', () => {
  describe('then(events)', () => {
    it('passes when decide returns the expected events', () => {
      const events = spec(counter)
        .given([opened])
        .when({ type: 'Increment', by: 2 })
        .then([{ type: 'CounterIncremented', data: { by: 2 } }]);
      expect(events).toHaveLength(1);
    });

    it('folds the given events with evolve', () => {
      const then = spec(counter)
        .given([opened, { type: 'CounterIncremented', data: { by: 3 } }])
        .when({ type: 'Close' });
      expect(then.state).toEqual({ status: 'open', total: 3 });
    });

    it('fails when the events differ', () => {
      expect(() =>
        spec(counter)
          .given([opened])
          .when({ type: 'Increment', by: 2 })
          .then([{ type: 'CounterIncremented', data: { by: 3 } }]),
      ).toThrow();
    });

    it('fails when decide throws instead, naming the code', () => {
      expect(() => spec(counter).when({ type: 'Increment', by: 1 }).then([])).toThrow(/TOY_COUNTER_NOT_OPEN/);
    });
  });

  describe('thenThrows(code)', () => {
    it('passes on a DomainError with that code and returns it', () => {
      const err = spec(counter).given([opened]).when({ type: 'Open', id: 'c1' }).thenThrows('TOY_COUNTER_EXISTS');
      expect(err).toBeInstanceOf(DomainError);
      expect(err.kind).toBe('rule-violated');
    });

    it('fails on a DomainError with another code', () => {
      expect(() => spec(counter).given([opened]).when({ type: 'Open', id: 'c1' }).thenThrows('TOY_OTHER')).toThrow(
        /TOY_COUNTER_EXISTS/,
      );
    });

    it('fails when decide returns events', () => {
      expect(() => spec(counter).when({ type: 'Open', id: 'c1' }).thenThrows('TOY_COUNTER_EXISTS')).toThrow(
        /returned events \[CounterOpened\]/,
      );
    });

    it('fails when decide throws something that is not a DomainError', () => {
      expect(() => spec(counter).when({ type: 'Explode' }).thenThrows('TOY_COUNTER_EXISTS')).toThrow(/TypeError/);
    });
  });

  describe('thenNothing()', () => {
    it('passes when decide returns no events', () => {
      spec(counter).given([opened, closed]).when({ type: 'Close' }).thenNothing();
    });

    it('fails when decide returns events', () => {
      expect(() => spec(counter).given([opened]).when({ type: 'Close' }).thenNothing()).toThrow(/CounterClosed/);
    });

    it('fails when decide throws', () => {
      expect(() => spec(counter).when({ type: 'Increment', by: 1 }).thenNothing()).toThrow(/TOY_COUNTER_NOT_OPEN/);
    });
  });
});
