import { createHash } from 'node:crypto';
import { HttpProblem } from '@railyard/service-kit';
import { describe, expect, it } from 'vitest';
import { declaredSha256 } from './declared-digest.js';

const bytes = Buffer.from('artifact');
const hex = createHash('sha256').update(bytes).digest('hex');
const b64 = createHash('sha256').update(bytes).digest('base64');

describe('the digest a client declares', () => {
  it('reads X-Content-SHA256 (hex, optionally sha256:-prefixed), Digest and Content-Digest alike', () => {
    expect(declaredSha256({ 'x-content-sha256': hex.toUpperCase() })).toBe(hex);
    expect(declaredSha256({ 'x-content-sha256': `sha256:${hex}` })).toBe(hex);
    expect(declaredSha256({ digest: `md5=abc, SHA-256=${b64}` })).toBe(hex);
    expect(declaredSha256({ 'content-digest': `sha-256=:${b64}:` })).toBe(hex);
    expect(declaredSha256({ 'x-content-sha256': hex, digest: `sha-256=${b64}` })).toBe(hex);
  });
  it('is undefined when none is declared (or only other algorithms)', () => {
    expect(declaredSha256({})).toBeUndefined();
    expect(declaredSha256({ digest: 'md5=abc' })).toBeUndefined();
  });
  it.each([
    [{ 'x-content-sha256': 'abc' }],
    [{ digest: 'sha-256' }],
    [{ 'content-digest': `sha-256=${b64}` }],
    [{ 'x-content-sha256': 'a'.repeat(64), digest: `sha-256=${b64}` }],
  ])('refuses %j', (headers) => {
    expect(() => declaredSha256(headers)).toThrow(HttpProblem);
  });
});
