import { describe, expect, it } from 'vitest';
import { type ParityInput, parityReport } from './parity.js';

const env = (name: string, tier: ParityInput['tier'], over: Partial<ParityInput> = {}): ParityInput => ({
  name,
  tier,
  template: 'mod/checkout',
  templateVersion: '1.0.0',
  parameters: { replicas: 2, db: { size: 'm' } },
  actualConfig: null,
  ...over,
});

describe('parityReport', () => {
  it('finds no difference between identical environments, listed dev → prod', () => {
    const r = parityReport([env('p', 'prod'), env('d', 'dev'), env('s', 'staging')]);
    expect(r.environments.map((e) => e.name)).toEqual(['d', 's', 'p']);
    expect(r.differences).toEqual([]);
  });
  it('lists template version, parameter keys and config values that differ, per environment', () => {
    const r = parityReport([
      env('d', 'dev', { templateVersion: '1.1.0', parameters: { replicas: 1, db: { size: 'm' }, debug: true } }),
      env('p', 'prod', { actualConfig: { replicas: 6, db: { size: 'm' } } }),
    ]);
    expect(r.differences).toEqual([
      { aspect: 'templateVersion', path: '', values: { d: '1.1.0', p: '1.0.0' } },
      { aspect: 'parameterKey', path: '/debug', values: { d: 'set', p: null } },
      { aspect: 'configValue', path: '/debug', values: { d: true, p: null } },
      { aspect: 'configValue', path: '/replicas', values: { d: 1, p: 6 } },
    ]);
  });
});
