import { describe, expect, it } from 'vitest';
import { diffJson, escapePointerToken, leaves } from './json-diff.js';

describe('diffJson (RFC 6902 operations, desired → actual)', () => {
  it('finds nothing between equal documents whatever the key order', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });
  it('gives add, remove and replace with JSON Pointer paths, keys sorted', () => {
    expect(diffJson({ a: 1, b: 2, n: { x: 'y' } }, { a: 2, c: 3, n: { x: 'z' } })).toEqual([
      { op: 'replace', path: '/a', expected: 1, actual: 2 },
      { op: 'remove', path: '/b', expected: 2 },
      { op: 'add', path: '/c', actual: 3 },
      { op: 'replace', path: '/n/x', expected: 'y', actual: 'z' },
    ]);
  });
  it('compares arrays by position; removals from the end backwards so the patch applies in order', () => {
    expect(diffJson({ l: [1, 2, 3, 4] }, { l: [1, 9] })).toEqual([
      { op: 'replace', path: '/l/1', expected: 2, actual: 9 },
      { op: 'remove', path: '/l/3', expected: 4 },
      { op: 'remove', path: '/l/2', expected: 3 },
    ]);
    expect(diffJson({ l: [1] }, { l: [1, 2] })).toEqual([{ op: 'add', path: '/l/1', actual: 2 }]);
  });
  it('replaces a value whose type changed, and escapes ~ and / in keys (RFC 6901)', () => {
    expect(diffJson({ 'a/b': { 'c~d': 1 } }, { 'a/b': { 'c~d': [1] } })).toEqual([
      { op: 'replace', path: '/a~1b/c~0d', expected: 1, actual: [1] },
    ]);
    expect(escapePointerToken('~/')).toBe('~0~1');
  });
  it('leaves out every path under an ignore pointer, and only those', () => {
    const d = diffJson({ meta: { at: 1 }, metadata: 1, x: 1 }, { meta: { at: 2 }, metadata: 2, x: 1 }, ['/meta']);
    expect(d).toEqual([{ op: 'replace', path: '/metadata', expected: 1, actual: 2 }]);
  });
  it('lists leaves as pointers', () => {
    expect(leaves({ b: { c: 1 }, a: [true, {}] })).toEqual([
      ['/a/0', true],
      ['/a/1', {}],
      ['/b/c', 1],
    ]);
  });
});
