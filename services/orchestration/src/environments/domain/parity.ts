import type { EnvironmentTier } from '@railyard/contracts';
import { equalJson, leaves } from './json-diff.js';

/** One environment as the parity report sees it. */
export interface ParityInput {
  name: string;
  tier: EnvironmentTier;
  template: string;
  templateVersion: string;
  parameters: Record<string, unknown>;
  /** The reported configuration, if an agent reported one. */
  actualConfig: Record<string, unknown> | null;
}

export interface ParityDifference {
  aspect: 'template' | 'templateVersion' | 'parameterKey' | 'configValue';
  /** A JSON Pointer for parameter keys and config values; empty for the template aspects. */
  path: string;
  /** Per environment: its value, or null where the key is missing. */
  values: Record<string, unknown>;
}

export interface ParityReport {
  environments: { name: string; tier: EnvironmentTier }[];
  differences: ParityDifference[];
}

// Dev first, prod last: the order people read a promotion path in.
const TIER_ORDER: EnvironmentTier[] = ['dev', 'test', 'ephemeral', 'staging', 'preprod', 'prod'];

/**
 * Compares the environments of one service across tiers: template and its version, the parameter keys each one
 * sets, and every configuration value (the reported one where an agent reported, else the desired parameters).
 * Lists every difference; identical environments give none.
 */
export function parityReport(inputs: readonly ParityInput[]): ParityReport {
  const envs = [...inputs].sort(
    (a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier) || a.name.localeCompare(b.name),
  );
  const differences: ParityDifference[] = [];
  const per = <T>(f: (e: ParityInput) => T) => Object.fromEntries(envs.map((e) => [e.name, f(e)]));
  const differ = (values: unknown[]) => values.some((v) => !equalJson(v, values[0]));

  if (differ(envs.map((e) => e.template)))
    differences.push({ aspect: 'template', path: '', values: per((e) => e.template) });
  if (differ(envs.map((e) => e.templateVersion))) {
    differences.push({ aspect: 'templateVersion', path: '', values: per((e) => e.templateVersion) });
  }
  const paramLeaves = envs.map((e) => new Map(leaves(e.parameters)));
  const paramKeys = [...new Set(paramLeaves.flatMap((m) => [...m.keys()]))].sort();
  for (const key of paramKeys) {
    if (paramLeaves.some((m) => !m.has(key))) {
      differences.push({
        aspect: 'parameterKey',
        path: key,
        values: per((e) => (paramLeaves[envs.indexOf(e)]!.has(key) ? 'set' : null)),
      });
    }
  }
  const configLeaves = envs.map((e) => new Map(leaves(e.actualConfig ?? e.parameters)));
  const configKeys = [...new Set(configLeaves.flatMap((m) => [...m.keys()]))].sort();
  for (const key of configKeys) {
    const values = configLeaves.map((m) => (m.has(key) ? m.get(key) : null));
    if (differ(values)) {
      differences.push({
        aspect: 'configValue',
        path: key,
        values: Object.fromEntries(envs.map((e, i) => [e.name, values[i]])),
      });
    }
  }
  return { environments: envs.map((e) => ({ name: e.name, tier: e.tier })), differences };
}
