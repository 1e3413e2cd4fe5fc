import { describe, expect, it } from 'vitest';
import { expandStrategy } from './strategy-steps.js';

describe('a strategy as driver steps', () => {
  it('canary: each weight, then its pause, then full promotion', () => {
    const steps = expandStrategy(
      {
        type: 'canary',
        steps: [
          { weight: 10, pauseMinutes: 5 },
          { weight: 50, pauseMinutes: 0 },
        ],
      },
      { keepMinutes: 30 },
    );
    expect(steps).toEqual([
      { step: 0, action: 'set-weight', weight: 10 },
      { step: 1, action: 'pause', pauseMinutes: 5 },
      { step: 2, action: 'set-weight', weight: 50 },
      { step: 3, action: 'set-weight', weight: 100 },
    ]);
  });
  it('canary whose last step is already 100% adds no promotion', () => {
    const steps = expandStrategy({ type: 'canary', steps: [{ weight: 100, pauseMinutes: 1 }] }, { keepMinutes: 0 });
    expect(steps.map((s) => s.action)).toEqual(['set-weight', 'pause']);
  });
  it('blue-green: preview, switch, retire the old one after the keep time', () => {
    expect(expandStrategy({ type: 'blue-green' }, { keepMinutes: 15 })).toEqual([
      { step: 0, action: 'deploy-preview' },
      { step: 1, action: 'switch' },
      { step: 2, action: 'retire-old', keepMinutes: 15 },
    ]);
  });
  it('rolling: batches until every instance runs the new version', () => {
    expect(expandStrategy({ type: 'rolling', batchPercent: 40 }, { keepMinutes: 0 })).toHaveLength(3);
    expect(expandStrategy({ type: 'rolling', batchPercent: 25 }, { keepMinutes: 0 })).toHaveLength(4);
  });
});
