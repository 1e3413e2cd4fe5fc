import { createPostgresEventStore } from '@railyard/eventstore';
import { createLogger } from '@railyard/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifactApp } from '../../app.js';
import { type ArtifactFixture, startArtifact, TEST_SECRET } from '../../test-support/artifact-fixture.js';

// A store that cannot be read while the pins are resolved used to read as "this pin names no artifact" (422
// ARTIFACT_BUNDLE_MEMBER_UNKNOWN): an outage reported to the client as its own mistake. It is a 503 now.
describe('POST /bundles while the event store is down', () => {
  let f: ArtifactFixture;
  let down: Awaited<ReturnType<typeof buildArtifactApp>>;
  const unreachable = createPostgresEventStore({
    connectionString: 'postgres://postgres@127.0.0.1:1/unreachable',
    onConnectionError: () => {},
  });

  beforeAll(async () => {
    f = await startArtifact('bundleOutage');
    // The outage strikes while the pins are read and is over when the bundle's own stream is: the artifact streams
    // are read through a second real store whose server is unreachable, everything else through the working one.
    // (With one store down throughout, the bundle's own load would fail too and hide the misreported pins.)
    const flaky = {
      ...f.store,
      readStream: (id: string, options?: Parameters<typeof f.store.readStream>[1]) =>
        id.startsWith('artifact-') ? unreachable.readStream(id, options) : f.store.readStream(id, options),
    };
    down = await buildArtifactApp({
      store: flaky,
      db: f.runtime.db,
      catalog: f.runtime.catalog,
      content: f.runtime.content,
      vault: f.runtime.vault,
      policies: await policiesOf(),
      auth: { secret: TEST_SECRET },
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await down?.close();
    await unreachable.close().catch(() => {});
    await f?.close();
  });

  async function policiesOf() {
    const config = await import('../../config.js');
    return {
      naming: config.namingConventions(config.DEFAULT_NAMING),
      stages: config.DEFAULT_STAGE_POLICIES,
      licenses: config.DEFAULT_LICENSE_POLICY,
      retention: config.DEFAULT_RETENTION,
      maxUploadBytes: 1024 * 1024,
    };
  }

  const bundle = { name: 'shop', version: '1.0.0', artifacts: [{ name: 'orders', version: '1.0.0' }] };

  it('answers 503 problem+json with Retry-After, not a business error', async () => {
    const res = await down.inject({
      method: 'POST',
      url: '/bundles',
      headers: await f.auth('rm-ana', ['release-manager']),
      payload: bundle,
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().code).toBe('RAILYARD_DEPENDENCY_UNAVAILABLE');
  });

  it('still reports a pin that names nothing as the client’s mistake when the store is up', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/bundles',
      headers: await f.auth('rm-ana', ['release-manager']),
      payload: { ...bundle, artifacts: [{ name: 'orders', version: 'not-semver' }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ARTIFACT_BUNDLE_MEMBER_UNKNOWN');
  });
});
