import { MemoryStorage } from '@openfeature/flagd-core';
import { type FlagDefinition, FlagErrorCodes, invalid, type TargetingRule } from '@railyard/contracts';

/**
 * The flag set as flagd sees it: every flag's definition plus the segments as `$evaluators`. Validation and
 * evaluation are the maintained `@openfeature/flagd-core`'s (its JSON schema, its JSONLogic engine with the
 * `fractional`, `sem_ver`, `starts_with` and `ends_with` operators): Railyard never interprets JSONLogic itself.
 * flagd-core is pure (no I/O, no clock except `$flagd.timestamp` at evaluation), so domain code may use it.
 */

/** A flag as the evaluator needs it: its definition, the kill-switch variant and whether the switch is on. */
export interface FlagEntry {
  definition: FlagDefinition;
  offVariant: string;
  killed: boolean;
}

type Json = TargetingRule[string];

function walk(node: Json, visit: (obj: Record<string, Json>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, Json>);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/** The segments a rule refers to with `{"$ref": name}`, each once, sorted. */
export function segmentRefs(rule: TargetingRule | undefined): string[] {
  if (!rule) return [];
  const refs = new Set<string>();
  walk(rule, (obj) => {
    const ref = obj.$ref;
    if (typeof ref === 'string' && Object.keys(obj).length === 1) refs.add(ref);
  });
  return [...refs].sort();
}

/**
 * Problems flagd-core's schema reports only as "must match a schema in anyOf": `fractional` weights must be
 * non-negative integers (flagd's bucketing sums integer weights, see anchors: fractional.go), and variants named.
 */
export function fractionalProblems(rule: TargetingRule | undefined, variants: readonly string[]): string[] {
  const problems: string[] = [];
  if (!rule) return problems;
  walk(rule, (obj) => {
    const args = obj.fractional;
    if (!Array.isArray(args)) return;
    for (const arg of args) {
      if (!Array.isArray(arg)) continue; // the optional first argument: the bucketing expression
      const [variant, weight] = arg;
      if (typeof variant === 'string' && !variants.includes(variant)) {
        problems.push(`fractional names the variant "${variant}", which the flag does not have`);
      }
      if (weight !== undefined && !(typeof weight === 'number' && Number.isInteger(weight) && weight >= 0)) {
        problems.push(
          `fractional weight ${JSON.stringify(weight)} of "${String(variant)}" is not a non-negative integer`,
        );
      }
    }
  });
  return problems;
}

/**
 * The variant names a rule can return as literals: the result branches of `if` (odd positions and a trailing else),
 * followed through nested rules. flagd only notices an unknown one when a caller hits that branch; we refuse it
 * when the flag is changed.
 */
export function returnedVariants(rule: Json | undefined): string[] {
  const found: string[] = [];
  const visit = (node: Json | undefined) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const branches = (node as Record<string, Json>).if;
    if (!Array.isArray(branches)) return;
    branches.forEach((branch, i) => {
      const isResult = i % 2 === 1 || (i === branches.length - 1 && branches.length % 2 === 1);
      if (!isResult) return;
      if (typeof branch === 'string') found.push(branch);
      else visit(branch);
    });
  };
  visit(rule);
  return [...new Set(found)];
}

/**
 * True when the rule buckets by the targeting key: a `fractional` whose first argument is a variant tuple (no
 * bucketing expression), so flagd would hash `flagKey + targetingKey`. Such a flag needs a targeting key to be
 * sticky; OFREP answers TARGETING_KEY_MISSING instead of silently serving the default.
 */
export function bucketsByTargetingKey(
  rule: TargetingRule | undefined,
  segments: Record<string, TargetingRule>,
): boolean {
  let keyed = false;
  const visitRule = (r: TargetingRule) =>
    walk(r, (obj) => {
      if (Array.isArray(obj.fractional) && Array.isArray(obj.fractional[0])) keyed = true;
    });
  if (rule) visitRule(rule);
  for (const ref of segmentRefs(rule)) {
    const segment = segments[ref];
    if (segment) visitRule(segment);
  }
  return keyed;
}

/** True when the whole rule is one `fractional`: its answer is a split (OFREP reason SPLIT). */
export function isSplit(rule: TargetingRule | undefined): boolean {
  return rule !== undefined && Object.keys(rule).length === 1 && Array.isArray(rule.fractional);
}

/** The flagd definition the evaluator serves: a killed flag is its off variant, static, for everyone. */
export function servedDefinition(entry: FlagEntry): FlagDefinition {
  if (!entry.killed) return entry.definition;
  const { variants, metadata } = entry.definition;
  return { state: 'ENABLED', variants, defaultVariant: entry.offVariant, metadata: { ...metadata, killed: true } };
}

/** The flagd configuration document of a flag set (what `flagd` itself would load from a file). */
export function flagdConfiguration(
  flags: ReadonlyMap<string, FlagEntry> | Record<string, FlagEntry>,
  segments: Record<string, TargetingRule>,
): string {
  const entries = flags instanceof Map ? [...flags.entries()] : Object.entries(flags);
  const document: Record<string, unknown> = {
    flags: Object.fromEntries(entries.map(([key, entry]) => [key, servedDefinition(entry)])),
  };
  if (Object.keys(segments).length > 0) document.$evaluators = segments;
  return JSON.stringify(document);
}

const silent = { error() {}, warn() {}, info() {}, debug() {} };

/** Loads a flagd configuration into flagd-core's storage; strict: refuse what flagd's schema refuses. */
export function loadFlagd(configuration: string, strict: boolean): MemoryStorage {
  const storage = new MemoryStorage(silent);
  storage.setConfigurations(configuration, strict);
  return storage;
}

/** The schema problems flagd-core reports, as short `path: message` lines. */
function schemaProblems(error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const start = message.indexOf('[');
  if (start < 0) return [message];
  try {
    const issues = JSON.parse(message.slice(start)) as { instancePath?: string; message?: string }[];
    const lines = issues.map((i) => `${i.instancePath || '/'}: ${i.message ?? 'invalid'}`);
    return [...new Set(lines)].slice(0, 20);
  } catch {
    return [message.slice(0, 500)];
  }
}

/**
 * Refuses (422 `code`) a flag that flagd would not load: the schema (state, variants of one type, default
 * variant among them, targeting operators), fractional weights, the kill-switch variant, unknown segments.
 */
export function assertValidFlag(
  key: string,
  entry: FlagEntry,
  segments: Record<string, TargetingRule>,
  code: string = FlagErrorCodes.FLAG_INVALID,
): void {
  const { definition } = entry;
  const variants = Object.keys(definition.variants);
  const problems: string[] = [];
  if (!variants.includes(definition.defaultVariant)) {
    problems.push(`defaultVariant "${definition.defaultVariant}" names no variant`);
  }
  if (!variants.includes(entry.offVariant)) problems.push(`offVariant "${entry.offVariant}" names no variant`);
  for (const ref of segmentRefs(definition.targeting)) {
    if (!segments[ref]) problems.push(`targeting refers to the segment "${ref}", which does not exist`);
  }
  problems.push(...fractionalProblems(definition.targeting, variants));
  for (const name of returnedVariants(definition.targeting)) {
    if (!variants.includes(name))
      problems.push(`targeting returns the variant "${name}", which the flag does not have`);
  }
  if (problems.length === 0) {
    try {
      const used = Object.fromEntries(segmentRefs(definition.targeting).map((ref) => [ref, segments[ref]!]));
      loadFlagd(flagdConfiguration({ [key]: { ...entry, killed: false } }, used), true);
    } catch (error) {
      problems.push(...schemaProblems(error));
    }
  }
  if (problems.length > 0) {
    throw invalid(code, `The flag "${key}" is not a valid flagd flag: ${problems.join('; ')}.`, { problems });
  }
}

/** Refuses (422) a segment rule that flagd could not use as an evaluator. */
export function assertValidSegment(name: string, rule: TargetingRule): void {
  const problems: string[] = [];
  if (segmentRefs(rule).length > 0) problems.push('a segment cannot refer to another segment');
  if (problems.length === 0) {
    const probe: FlagEntry = {
      definition: {
        state: 'ENABLED',
        variants: { in: true, out: false },
        defaultVariant: 'out',
        targeting: { if: [{ $ref: name }, 'in', 'out'] },
      },
      offVariant: 'out',
      killed: false,
    };
    try {
      loadFlagd(flagdConfiguration({ probe }, { [name]: rule }), true);
    } catch (error) {
      problems.push(...schemaProblems(error));
    }
  }
  if (problems.length > 0) {
    throw invalid(
      FlagErrorCodes.SEGMENT_INVALID,
      `The segment "${name}" is not a valid rule: ${problems.join('; ')}.`,
      {
        problems,
      },
    );
  }
}

/** The variant the kill switch serves when none is named: the `false` variant of a boolean flag, else the default. */
export function defaultOffVariant(definition: FlagDefinition): string {
  const off = Object.entries(definition.variants).find(([, value]) => value === false);
  return off ? off[0] : definition.defaultVariant;
}
