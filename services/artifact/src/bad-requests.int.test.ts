import { httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from './test-support/artifact-fixture.js';

type Req = { method: 'GET' | 'POST'; url: string; role: string; payload?: unknown };

// Bad requests on the JSON routes: each gets a 4xx problem+json with a stable code and appends nothing.
describe('artifact API: bad requests change nothing', () => {
  let f: ArtifactFixture;
  const tokens: Record<string, { authorization: string }> = {};

  beforeAll(async () => {
    f = await startArtifact('artifactBadRequests');
    for (const role of ['developer', 'deployer', 'release-manager', 'auditor', 'admin']) {
      tokens[role] = await f.auth(`user-${role}`, [role]);
    }
    const put = await f.app.inject({
      method: 'PUT',
      url: '/artifacts/orders/1.0.0',
      headers: { ...tokens.developer, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('orders 1.0.0'),
    });
    expect(put.statusCode).toBe(201);
  });
  afterAll(async () => {
    await f?.close();
  });

  const scans = '/artifacts/orders/1.0.0/scans';
  const cases: [string, Req, number, string][] = [
    [
      'an unknown stage',
      { method: 'POST', url: '/artifacts/orders/1.0.0/promotions', role: 'deployer', payload: { stage: 'moon' } },
      422,
      'ARTIFACT_STAGE_UNKNOWN',
    ],
    [
      'promotion by a developer',
      { method: 'POST', url: '/artifacts/orders/1.0.0/promotions', role: 'developer', payload: { stage: 'dev' } },
      403,
      'RAILYARD_AUTH_FORBIDDEN',
    ],
    [
      'promotion of an unknown artifact',
      { method: 'POST', url: '/artifacts/nope/1.0.0/promotions', role: 'deployer', payload: { stage: 'dev' } },
      404,
      'ARTIFACT_NOT_FOUND',
    ],
    [
      'a scan with an unknown field',
      {
        method: 'POST',
        url: scans,
        role: 'developer',
        payload: { kind: 'vulnerabilities', tool: 'g', counts: { critical: 0, high: 0, medium: 0, low: 0 }, extra: 1 },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a scan of an unknown kind',
      { method: 'POST', url: scans, role: 'developer', payload: { kind: 'vibes', tool: 'g' } },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'negative findings',
      {
        method: 'POST',
        url: scans,
        role: 'developer',
        payload: { kind: 'static-analysis', tool: 's', findings: { critical: -1, high: 0, medium: 0, low: 0 } },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a license scan with neither components nor SBOM',
      { method: 'POST', url: scans, role: 'developer', payload: { kind: 'licenses', tool: 'x' } },
      400,
      'ARTIFACT_SBOM_INVALID',
    ],
    [
      'an SBOM that is not CycloneDX',
      {
        method: 'POST',
        url: scans,
        role: 'developer',
        payload: { kind: 'licenses', tool: 'x', sbom: { bomFormat: 'SPDX', specVersion: '2.3' } },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'an SBOM without components',
      {
        method: 'POST',
        url: scans,
        role: 'developer',
        payload: { kind: 'licenses', tool: 'x', sbom: { bomFormat: 'CycloneDX', specVersion: '1.5' } },
      },
      422,
      'ARTIFACT_SBOM_INVALID',
    ],
    [
      'signing without a key',
      { method: 'POST', url: '/artifacts/orders/1.0.0/signatures', role: 'release-manager' },
      409,
      'ARTIFACT_NO_ACTIVE_SIGNING_KEY',
    ],
    [
      'releasing a hold that is not there',
      { method: 'POST', url: '/artifacts/orders/1.0.0/legal-hold/release', role: 'auditor', payload: {} },
      409,
      'ARTIFACT_LEGAL_HOLD_ABSENT',
    ],
    [
      'a hold without a reason',
      { method: 'POST', url: '/artifacts/orders/1.0.0/legal-hold', role: 'auditor', payload: { reason: ' ' } },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a bundle pinning an unregistered version',
      {
        method: 'POST',
        url: '/bundles',
        role: 'release-manager',
        payload: { name: 'b', version: '1.0.0', artifacts: [{ name: 'orders', version: '9.9.9' }] },
      },
      422,
      'ARTIFACT_BUNDLE_MEMBER_UNKNOWN',
    ],
    [
      'a bundle with a bad range',
      {
        method: 'POST',
        url: '/bundles',
        role: 'release-manager',
        payload: {
          name: 'b',
          version: '1.0.0',
          artifacts: [{ name: 'orders', version: '1.0.0' }],
          constraints: [{ from: 'orders', to: 'orders', range: 'soon' }],
        },
      },
      422,
      'ARTIFACT_BUNDLE_RANGE_INVALID',
    ],
    [
      'an external registration with a bad digest',
      {
        method: 'POST',
        url: '/artifacts',
        role: 'developer',
        payload: { name: 'ext', version: '1.0.0', digest: 'md5:abc', uri: 'https://x.example/a' },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a PEM of an unknown key',
      { method: 'GET', url: '/signing-keys/0193a5b0-0000-7000-8000-000000000999.pem', role: 'developer' },
      404,
      'ARTIFACT_SIGNING_KEY_NOT_FOUND',
    ],
    [
      'a verify with a short digest',
      {
        method: 'POST',
        url: '/signatures/verify',
        role: 'developer',
        payload: { sha256: 'ab', keyId: '0193a5b0-0000-7000-8000-000000000999', signature: 'AA==' },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a blob digest that is not hex',
      { method: 'GET', url: '/blobs/sha256/zz', role: 'developer' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a blob that was never stored',
      { method: 'GET', url: `/blobs/sha256/${'0'.repeat(64)}`, role: 'developer' },
      404,
      'ARTIFACT_CONTENT_NOT_FOUND',
    ],
    [
      'a report at a non-instant',
      { method: 'GET', url: '/retention/report?at=tomorrow', role: 'developer' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a list cursor not from the API',
      { method: 'GET', url: '/artifacts?cursor=bm9wZQ', role: 'developer' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    // Postgres cannot store NUL, and a lone surrogate is not Unicode: refused at validation, for any field.
    [
      'a NUL in a string field',
      { method: 'POST', url: '/artifacts/orders/1.0.0/legal-hold', role: 'auditor', payload: { reason: 'a\u0000b' } },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a lone low surrogate in a nested string',
      {
        method: 'POST',
        url: '/bundles',
        role: 'release-manager',
        payload: {
          name: 'b',
          version: '1.0.0',
          artifacts: [{ name: 'orders', version: '1.0.0', repository: '\udfff' }],
        },
      },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a lone high surrogate in a field name',
      { method: 'POST', url: scans, role: 'developer', payload: { kind: 'licenses', tool: 'x', '\ud800': 1 } },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a NUL in a path parameter',
      { method: 'GET', url: '/artifacts/orders%00/1.0.0', role: 'developer' },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    [
      'a sweep by a developer',
      { method: 'POST', url: '/retention/sweep', role: 'developer' },
      403,
      'RAILYARD_AUTH_FORBIDDEN',
    ],
    [
      'a key rotation by a release manager',
      { method: 'POST', url: '/signing-keys', role: 'release-manager' },
      403,
      'RAILYARD_AUTH_FORBIDDEN',
    ],
  ];

  it.each(cases)('%s', async (_label, req, status, code) => {
    // No events expected: the specification checks that nothing was appended anywhere.
    await httpSpecification(f)
      .when({
        method: req.method,
        url: req.url,
        headers: tokens[req.role]!,
        ...(req.payload !== undefined ? { payload: req.payload as object } : {}),
      })
      .then({ status, code });
  });
});
