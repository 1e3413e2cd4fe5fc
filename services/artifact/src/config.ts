import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseConfigSchema, ConfigError, jsonVariable, portSchema } from '@railyard/service-kit';
import { z } from 'zod';
import type { StagePolicy } from './artifacts/domain/gates.js';
import type { RetentionPolicy } from './retention/domain/retention.js';

/** The repository root: this file is services/artifact/{src,dist/src}/config.(ts|js). */
const SERVICE_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));
const DEFAULT_STORAGE_DIR = path.resolve(SERVICE_DIR, '../../data/artifacts');

/** The development master key used when ARTIFACT_MASTER_KEY is unset outside production. Public by design. */
export const DEV_MASTER_KEY = 'railyard-development-artifact-master-key-change-me';

/** Names per kind: lowercase words joined by dashes for deployables, dotted names for libraries. */
export const DEFAULT_NAMING: Record<string, string> = {
  service: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  container: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  library: '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$',
};

/** What each stage demands (A3/A6): prod takes clean scans, allowed licenses and a valid signature. */
export const DEFAULT_STAGE_POLICIES: Record<string, StagePolicy> = {
  dev: {},
  staging: {
    staticAnalysis: { maxCritical: 0, maxHigh: 10 },
    vulnerabilities: { maxCritical: 0, maxHigh: 5 },
    licenses: true,
  },
  prod: {
    staticAnalysis: { maxCritical: 0, maxHigh: 0 },
    vulnerabilities: { maxCritical: 0, maxHigh: 0 },
    licenses: true,
    signature: true,
  },
};

/** Retention in days by stability and audit class (A5); the longest applicable rule wins. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  snapshotDays: 14,
  releaseDays: 365,
  promotedToProdDays: 5 * 365,
  regulatedDays: 7 * 365,
  prodStage: 'prod',
};

/**
 * The default license policy: the OSI-approved permissive licenses allowed (SPDX ids; plus CC0-1.0, the public-domain
 * dedication), strong copyleft denied, the rest unknown (fails, for a reviewer to decide). Weak copyleft (MPL, LGPL,
 * EPL…) and licenses with conditions beyond notice (Artistic-2.0, MS-PL) are left to each deployment's policy.
 */
export const DEFAULT_LICENSE_POLICY = {
  allow: [
    '0BSD',
    'AFL-3.0',
    'Apache-2.0',
    'BSD-1-Clause',
    'BSD-2-Clause',
    'BSD-2-Clause-Patent',
    'BSD-3-Clause',
    'BSL-1.0',
    'BlueOak-1.0.0',
    'CC0-1.0',
    'ECL-2.0',
    'EFL-2.0',
    'Fair',
    'ISC',
    'MIT',
    'MIT-0',
    'MirOS',
    'MulanPSL-2.0',
    'NCSA',
    'NTP',
    'PostgreSQL',
    'Python-2.0',
    'UPL-1.0',
    'Unicode-3.0',
    'Unicode-DFS-2016',
    'Unlicense',
    'W3C',
    'Xnet',
    'ZPL-2.0',
    'ZPL-2.1',
    'Zlib',
  ],
  deny: ['GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later', 'AGPL-3.0-only', 'AGPL-3.0-or-later'],
};

const Limits = z.strictObject({ maxCritical: z.number().int().min(0), maxHigh: z.number().int().min(0) });
const StagePolicySchema = z.strictObject({
  staticAnalysis: Limits.optional(),
  vulnerabilities: Limits.optional(),
  licenses: z.boolean().optional(),
  signature: z.boolean().optional(),
});
const Pattern = z.string().refine((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}, 'must be a regular expression');

/** The artifact service's environment: the common variables plus its port (4102), storage and policies. */
export const artifactConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(4102),
  SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  /** How often retention sweeps run (ms); 0 = only on request (POST /retention/sweep). Default hourly. */
  ARTIFACT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  ARTIFACT_STORAGE_DIR: z.string().min(1).default(DEFAULT_STORAGE_DIR),
  ARTIFACT_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 * 1024 * 1024),
  ARTIFACT_MASTER_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JSON `{ "<kind>": "<regex>" }`: the naming convention per artifact kind. */
  ARTIFACT_NAMING: jsonVariable(z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), Pattern)).default(DEFAULT_NAMING),
  /** JSON `{ "<stage>": { staticAnalysis?, vulnerabilities?, licenses?, signature? } }`. */
  ARTIFACT_STAGE_POLICIES: jsonVariable(z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), StagePolicySchema)).default(
    DEFAULT_STAGE_POLICIES,
  ),
  /** JSON `{ "allow": [SPDX ids], "deny": [SPDX ids] }`. */
  ARTIFACT_LICENSE_POLICY: jsonVariable(
    z.strictObject({ allow: z.array(z.string()), deny: z.array(z.string()) }),
  ).default(DEFAULT_LICENSE_POLICY),
  /** JSON: days kept by rule (A5): `{ snapshotDays, releaseDays, promotedToProdDays, regulatedDays, prodStage }`. */
  ARTIFACT_RETENTION: jsonVariable(
    z.strictObject({
      snapshotDays: z.number().int().min(0),
      releaseDays: z.number().int().min(0),
      promotedToProdDays: z.number().int().min(0),
      regulatedDays: z.number().int().min(0),
      prodStage: z.string().min(1),
    }),
  ).default(DEFAULT_RETENTION),
  /** JSON `["<kind>", …]`: the kinds whose artifacts may be empty. By default none: an empty upload is a mistake. */
  ARTIFACT_EMPTY_CONTENT_KINDS: jsonVariable(z.array(z.string().regex(/^[a-z][a-z0-9-]*$/))).default([]),
  NODE_ENV: z.string().optional(),
});
export type ArtifactConfig = z.infer<typeof artifactConfigSchema>;

/** The naming patterns compiled; each must match the whole name (anchored here, whatever the configuration says). */
export function namingConventions(patterns: Record<string, string>): Record<string, RegExp> {
  return Object.fromEntries(Object.entries(patterns).map(([kind, p]) => [kind, new RegExp(`^(?:${p})$`)]));
}

/**
 * The master key of the keyring, as the launcher treats RAILYARD_AUTH_SECRET: required under NODE_ENV=production,
 * else the public development key with a warning to log.
 */
export function masterKeyOf(config: Pick<ArtifactConfig, 'ARTIFACT_MASTER_KEY' | 'NODE_ENV'>): {
  key: string;
  warning?: string;
} {
  if (config.ARTIFACT_MASTER_KEY) return { key: config.ARTIFACT_MASTER_KEY };
  if (config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'ARTIFACT_MASTER_KEY', message: 'must be set when NODE_ENV=production' }]);
  }
  return {
    key: DEV_MASTER_KEY,
    warning:
      'ARTIFACT_MASTER_KEY is not set: signing keys are encrypted under the public development master key. ' +
      'Production must set its own (at least 32 characters).',
  };
}
