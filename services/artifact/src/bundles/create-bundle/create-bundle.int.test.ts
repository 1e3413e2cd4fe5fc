import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from '../../test-support/artifact-fixture.js';

// A bundle pins artifacts as the registry resolves versions: build metadata is not identity, so a pin of
// `1.2.3+other` pins the registered `1.2.3+build.7` and records that version with its digest.
describe('POST /bundles pins', () => {
  let f: ArtifactFixture;
  let ci: { authorization: string };
  let rm: { authorization: string };
  let sha256: string;

  beforeAll(async () => {
    f = await startArtifact('bundlePins');
    ci = await f.auth('ci-bot', ['developer']);
    rm = await f.auth('rm-ana', ['release-manager']);
    const res = await f.app.inject({
      method: 'PUT',
      url: '/artifacts/ledger/1.2.3+build.7',
      headers: { ...ci, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('ledger 1.2.3'),
    });
    expect(res.statusCode).toBe(201);
    sha256 = res.json().sha256;
  });
  afterAll(async () => {
    await f?.close();
  });

  const create = (version: string, pin: string) =>
    f.app.inject({
      method: 'POST',
      url: '/bundles',
      headers: rm,
      payload: { name: 'core', version, artifacts: [{ name: 'ledger', version: pin }] },
    });

  it('resolves a pin with other build metadata, or none, to the registered version and digest', async () => {
    for (const [bundleVersion, pin] of [
      ['1.0.0', '1.2.3+other'],
      ['1.0.1', '1.2.3'],
    ] as const) {
      const res = await create(bundleVersion, pin);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().artifacts).toEqual([{ name: 'ledger', version: '1.2.3+build.7', sha256, repository: null }]);
    }
  });

  it('still refuses a pin of a version that is not registered, or not a version', async () => {
    for (const pin of ['1.2.4', 'v1.2.3']) {
      const res = await create('2.0.0', pin);
      expect(res.statusCode, pin).toBe(422);
    }
  });
});
