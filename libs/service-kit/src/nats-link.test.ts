import { describe, expect, it } from 'vitest';
import { reconnectOptions } from './nats-link.js';

describe('NATS reconnect policy', () => {
  it('never gives up', () => {
    expect(reconnectOptions({ initialWaitMs: 250, maxWaitMs: 5000 }, () => 0).maxReconnectAttempts).toBe(-1);
  });

  it('doubles the wait per failed attempt, up to the cap, with at most 20% jitter', () => {
    let attempts = 0;
    const { reconnectDelayHandler } = reconnectOptions({ initialWaitMs: 250, maxWaitMs: 5000 }, () => attempts);
    const waits = [0, 1, 2, 3, 4, 5, 50].map((n) => {
      attempts = n;
      return reconnectDelayHandler!();
    });
    const bases = [250, 500, 1000, 2000, 4000, 5000, 5000];
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(bases[i]!);
      expect(wait).toBeLessThanOrEqual(bases[i]! * 1.2);
    });
  });
});
