import { DomainError, OrchestrationErrorCodes, type PlannedService } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { planWaves } from './waves.js';

const svc = (service: string, over: Partial<PlannedService> = {}): PlannedService => ({
  service,
  version: '1.0.0',
  provides: [],
  consumes: [],
  ...over,
});

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('planWaves', () => {
  it('puts a provider before the consumers that need its new version, and independents in the first wave', () => {
    const { waves, edges } = planWaves([
      svc('web', { consumes: [{ api: 'orders-api', range: '^2.0.0' }] }),
      svc('orders', { version: '2.1.0', provides: [{ api: 'orders-api', version: '2.1.0' }] }),
      svc('mobile-bff', { consumes: [{ api: 'orders-api', range: '>=2.1 <3' }] }),
      svc('search'),
    ]);
    expect(waves).toEqual([
      ['orders', 'search'],
      ['web', 'mobile-bff'],
    ]);
    expect(edges.map((e) => `${e.provider}>${e.consumer}`)).toEqual(['orders>web', 'orders>mobile-bff']);
  });

  it('makes no edge for an API the release does not ship', () => {
    expect(planWaves([svc('web', { consumes: [{ api: 'legacy-api', range: '^1' }] }), svc('b')]).waves).toEqual([
      ['web', 'b'],
    ]);
  });

  it('layers chains by their longest path', () => {
    const { waves } = planWaves([
      svc('c', {
        consumes: [
          { api: 'b', range: '*' },
          { api: 'a', range: '*' },
        ],
      }),
      svc('b', { provides: [{ api: 'b', version: '1.0.0' }], consumes: [{ api: 'a', range: '^1' }] }),
      svc('a', { provides: [{ api: 'a', version: '1.0.0' }] }),
    ]);
    expect(waves).toEqual([['a'], ['b'], ['c']]);
  });

  it('refuses a cycle and names it', () => {
    const error = refusal(() =>
      planWaves([
        svc('a', { provides: [{ api: 'a-api', version: '1.0.0' }], consumes: [{ api: 'b-api', range: '^1' }] }),
        svc('b', { provides: [{ api: 'b-api', version: '1.0.0' }], consumes: [{ api: 'a-api', range: '^1' }] }),
      ]),
    );
    expect(error.code).toBe(OrchestrationErrorCodes.PLAN_CYCLE);
    expect(error.details?.cycle).toEqual(['a', 'b', 'a']);
    expect(error.message).toContain('a → b → a');
  });

  it('refuses a range no provider satisfies, naming both sides', () => {
    const error = refusal(() =>
      planWaves([
        svc('orders', { provides: [{ api: 'orders-api', version: '2.1.0' }] }),
        svc('web', { consumes: [{ api: 'orders-api', range: '^3.0.0' }] }),
      ]),
    );
    expect(error.code).toBe(OrchestrationErrorCodes.PLAN_RANGE_UNSATISFIED);
    expect(error.message).toContain('web needs orders-api ^3.0.0');
    expect(error.message).toContain('orders provides orders-api 2.1.0');
  });

  it('refuses a range that is not semver, and a service listed twice', () => {
    expect(refusal(() => planWaves([svc('a', { consumes: [{ api: 'x', range: 'banana' }] })])).code).toBe(
      OrchestrationErrorCodes.PLAN_RANGE_INVALID,
    );
    expect(refusal(() => planWaves([svc('a'), svc('a')])).code).toBe(OrchestrationErrorCodes.PLAN_SERVICE_DUPLICATE);
  });
});
