import type { DriftDifference } from '@railyard/contracts';

// A small RFC 6902 diff of our own rather than a library: drift needs only the paths and both values, arrays
// compared index by index (an agent reorders nothing, and a positional diff is stable, where an LCS-based diff
// from a library turns one changed element into move/copy noise), and JSON Pointer ignore rules applied per path.
// It is the generating half only; nothing here ever applies a patch.

type Json = unknown;

/** Escapes one reference token of a JSON Pointer (RFC 6901 §3: `~` → `~0`, `/` → `~1`). */
export const escapePointerToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function equalJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equalJson(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equalJson(a[k], b[k]));
  }
  return false;
}

function walk(expected: Json, actual: Json, path: string, out: DriftDifference[]): void {
  if (equalJson(expected, actual)) return;
  if (isObject(expected) && isObject(actual)) {
    // Sorted keys: the same two documents always give the same operations in the same order.
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const child = `${path}/${escapePointerToken(key)}`;
      if (!(key in actual)) out.push({ op: 'remove', path: child, expected: expected[key] });
      else if (!(key in expected)) out.push({ op: 'add', path: child, actual: actual[key] });
      else walk(expected[key], actual[key], child, out);
    }
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const common = Math.min(expected.length, actual.length);
    for (let i = 0; i < common; i++) walk(expected[i], actual[i], `${path}/${i}`, out);
    for (let i = common; i < actual.length; i++) out.push({ op: 'add', path: `${path}/${i}`, actual: actual[i] });
    // Removals from the end backwards, so applying the operations in order keeps every index valid.
    for (let i = expected.length - 1; i >= common; i--) {
      out.push({ op: 'remove', path: `${path}/${i}`, expected: expected[i] });
    }
    return;
  }
  out.push({ op: 'replace', path, expected, actual });
}

/** Whether `path` is `pointer` or lies under it. */
export const isUnder = (path: string, pointer: string): boolean =>
  pointer === '' || path === pointer || path.startsWith(`${pointer}/`);

/**
 * The RFC 6902 operations that turn `expected` into `actual`, leaving out every path under an ignore pointer.
 * Applied in order to `expected` (ignored paths aside) they yield `actual`.
 */
export function diffJson(expected: Json, actual: Json, ignore: readonly string[] = []): DriftDifference[] {
  const out: DriftDifference[] = [];
  walk(expected, actual, '', out);
  return out.filter((d) => !ignore.some((pointer) => isUnder(d.path, pointer)));
}

/** Every leaf of a document as (pointer, value); empty objects and arrays count as leaves. */
export function leaves(doc: Json, path = ''): [string, Json][] {
  if (isObject(doc) && Object.keys(doc).length > 0) {
    return Object.keys(doc)
      .sort()
      .flatMap((k) => leaves(doc[k], `${path}/${escapePointerToken(k)}`));
  }
  if (Array.isArray(doc) && doc.length > 0) return doc.flatMap((v, i) => leaves(v, `${path}/${i}`));
  return [[path, doc]];
}

export { equalJson };
