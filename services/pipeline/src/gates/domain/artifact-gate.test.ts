import { describe, expect, it } from 'vitest';
import { evaluateArtifactGate } from './artifact-gate.js';

const sha256 = 'a'.repeat(64);
const clean = { sha256, signed: true, vulnerabilities: { critical: 0, high: 2 } };

describe('the artifact gate', () => {
  it('passes a signed digest without critical vulnerabilities', () => {
    expect(evaluateArtifactGate(clean, sha256, true)).toMatchObject({ passed: true, rule: 'signature.required' });
  });
  it('blocks a critical vulnerability everywhere', () => {
    const vulnerable = { ...clean, vulnerabilities: { critical: 2, high: 0 } };
    expect(evaluateArtifactGate(vulnerable, sha256, false)).toMatchObject({
      passed: false,
      rule: 'vulnerabilities.critical',
      detail: 'The artifact service recorded 2 critical vulnerabilities.',
    });
  });
  it('blocks an unsigned digest where a signature is required, and an unknown digest', () => {
    expect(evaluateArtifactGate({ ...clean, signed: false }, sha256, true)).toMatchObject({
      passed: false,
      rule: 'signature.required',
    });
    expect(evaluateArtifactGate({ ...clean, signed: false }, sha256, false).passed).toBe(true);
    expect(evaluateArtifactGate(clean, 'b'.repeat(64), false)).toMatchObject({ passed: false, rule: 'artifact.known' });
    expect(evaluateArtifactGate(undefined, sha256, false).passed).toBe(false);
  });
});
