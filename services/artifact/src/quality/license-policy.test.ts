import { describe, expect, it } from 'vitest';
import { DEFAULT_LICENSE_POLICY } from '../config.js';
import { CycloneDxSbom, licensesOfSbom } from './cyclonedx.js';
import { evaluateLicense } from './license-policy.js';

const policy = { allow: ['MIT', 'Apache-2.0', 'BSD-3-Clause'], deny: ['GPL-3.0-only', 'AGPL-3.0-only'] };

describe('license policy (SPDX)', () => {
  it.each([
    ['MIT', 'allowed'],
    ['MIT OR GPL-3.0-only', 'allowed'],
    ['(Apache-2.0 AND BSD-3-Clause)', 'allowed'],
    ['GPL-3.0-only AND MIT', 'denied'],
    ['AGPL-3.0-only', 'denied'],
    ['MPL-2.0', 'unknown'],
    ['NOASSERTION', 'unasserted'],
    ['not a license (', 'unknown'],
  ])('%s is %s', (expression, verdict) => {
    expect(evaluateLicense(expression, policy).verdict).toBe(verdict);
  });
});

describe('the default license policy', () => {
  // Licenses a CycloneDX SBOM of this repository (@cyclonedx/cyclonedx-npm) carries: all OSI-approved permissive.
  it.each([
    'BlueOak-1.0.0',
    'Python-2.0',
    'MIT-0',
    'BSD-2-Clause-Patent',
    'Unicode-3.0',
    'BSL-1.0',
    '(MIT OR CC0-1.0)',
    'Apache-2.0 AND MIT',
  ])('allows %s', (expression) => {
    expect(evaluateLicense(expression, DEFAULT_LICENSE_POLICY)).toEqual({
      verdict: 'allowed',
      reason: 'satisfied by the allow list',
    });
  });

  it('denies strong copyleft, leaves weak copyleft to a reviewer, and says when no license is declared', () => {
    expect(evaluateLicense('GPL-3.0-only', DEFAULT_LICENSE_POLICY).verdict).toBe('denied');
    expect(evaluateLicense('MPL-2.0', DEFAULT_LICENSE_POLICY).verdict).toBe('unknown');
    expect(evaluateLicense('NOASSERTION', DEFAULT_LICENSE_POLICY)).toEqual({
      verdict: 'unasserted',
      reason: 'no license declared (NOASSERTION): declare one in the component, or keep it out of the artifact',
    });
  });
});

describe('CycloneDX SBOM', () => {
  it('extracts one expression per component, nested ones included', () => {
    const sbom = CycloneDxSbom.parse({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      components: [
        { type: 'library', name: 'left-pad', version: '1.3.0', licenses: [{ license: { id: 'MIT' } }] },
        { type: 'library', name: 'dual', licenses: [{ expression: 'MIT OR GPL-3.0-only' }] },
        {
          type: 'library',
          name: 'both',
          licenses: [{ license: { id: 'Apache-2.0' } }, { license: { name: 'Acme EULA' } }],
          components: [{ type: 'library', name: 'inner' }],
        },
      ],
    });
    expect(licensesOfSbom(sbom)).toEqual([
      { name: 'left-pad', version: '1.3.0', license: 'MIT' },
      { name: 'dual', license: 'MIT OR GPL-3.0-only' },
      { name: 'both', license: 'Apache-2.0 AND LicenseRef-Acme-EULA' },
      { name: 'inner', license: 'NOASSERTION' },
    ]);
  });
});
