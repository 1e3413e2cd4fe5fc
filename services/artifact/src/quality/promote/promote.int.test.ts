import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from '../../test-support/artifact-fixture.js';

// Promotion checks each signature against the key vault at promotion time, not only that one was recorded.
describe('promotion and signatures that no longer verify', () => {
  let f: ArtifactFixture;

  beforeAll(async () => {
    f = await startArtifact('artifactPromote');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses prod when the signing key is gone from the vault, while staging (no signature rule) passes', async () => {
    const ci = await f.auth('ci-bot', ['developer']);
    const rm = await f.auth('rm-ana', ['release-manager']);
    const admin = await f.auth('admin-kim', ['admin']);
    const put = await f.app.inject({
      method: 'PUT',
      url: '/artifacts/notifier/1.2.0',
      headers: { ...ci, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('notifier 1.2.0'),
    });
    expect(put.statusCode).toBe(201);
    const url = '/artifacts/notifier/1.2.0';
    const scans = [
      { kind: 'static-analysis', tool: 'semgrep', findings: { critical: 0, high: 0, medium: 0, low: 0 } },
      { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 0 } },
      { kind: 'licenses', tool: 'syft', components: [{ name: 'left-pad', license: 'MIT' }] },
    ];
    for (const payload of scans) {
      expect((await f.app.inject({ method: 'POST', url: `${url}/scans`, headers: ci, payload })).statusCode).toBe(201);
    }
    expect((await f.app.inject({ method: 'POST', url: '/signing-keys', headers: admin })).statusCode).toBe(201);
    expect((await f.app.inject({ method: 'POST', url: `${url}/signatures`, headers: rm })).statusCode).toBe(201);
    // The vault loses the key (revoked out of band, or a restore without it): the recorded signature proves nothing.
    await f.pool.query('DELETE FROM artifact.signing_keys');

    const status = (await f.app.inject({ method: 'GET', url: `${url}/stages`, headers: ci })).json();
    expect(status.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([
      ['dev', 'eligible'],
      ['staging', 'eligible'],
      ['prod', 'blocked'],
    ]);
    const before = (await f.store.readStream(`artifact-${put.json().id}`)).length;
    const prod = await f.app.inject({
      method: 'POST',
      url: `${url}/promotions`,
      headers: rm,
      payload: { stage: 'prod' },
    });
    expect(prod.statusCode).toBe(409);
    expect(prod.json().failures).toEqual([
      { rule: 'signature.valid', detail: 'No signature verifies against the keyring.' },
    ]);
    expect((await f.store.readStream(`artifact-${put.json().id}`)).length).toBe(before);

    const staging = await f.app.inject({
      method: 'POST',
      url: `${url}/promotions`,
      headers: rm,
      payload: { stage: 'staging' },
    });
    expect(staging.statusCode).toBe(201);
    expect(staging.json().promotions).toEqual(['staging']);
  });
});
