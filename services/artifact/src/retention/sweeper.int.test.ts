import { rebuildProjection } from '@railyard/readmodels';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactCatalogProjection } from '../catalog/projection.js';
import { type ArtifactFixture, startArtifact } from '../test-support/artifact-fixture.js';

describe('the scheduled retention sweeper and the catalog read model', () => {
  let f: ArtifactFixture;

  beforeAll(async () => {
    f = await startArtifact('artifactSweeper', { sweepIntervalMs: 50 });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('sweeps an expired snapshot by itself, as the retention actor, keeping a release and shared bytes', async () => {
    const ci = await f.auth('ci-bot', ['developer']);
    const put = (name: string, version: string, body: string) =>
      f.app.inject({
        method: 'PUT',
        url: `/artifacts/${name}/${version}`,
        headers: { ...ci, 'content-type': 'application/octet-stream' },
        payload: Buffer.from(body),
      });
    const snapshot = await put('search', '0.9.0-nightly.1', 'nightly bytes');
    const release = await put('search', '0.9.0', 'release bytes');
    // Same bytes as the release under a snapshot name: its sweep must not delete the release's blob.
    const twin = await put('search-twin', '0.1.0-dev.1', 'release bytes');
    expect([snapshot.statusCode, release.statusCode, twin.statusCode]).toEqual([201, 201, 201]);
    await f.caughtUp();
    f.clock.now = new Date(f.clock.now.getTime() + 20 * 86_400_000);

    const swept = await waitFor('the sweeper', async () => {
      const events = await f.store.readStream(`artifact-${twin.json().id}`);
      return events.find((e) => e.type === 'ArtifactSwept');
    });
    expect(swept.metadata.actor).toMatchObject({ id: 'artifact-retention', kind: 'system' });
    const snapshotEvents = await waitFor('the snapshot sweep', async () => {
      const events = await f.store.readStream(`artifact-${snapshot.json().id}`);
      return events.some((e) => e.type === 'ArtifactSwept') ? events : undefined;
    });
    expect(snapshotEvents.map((e) => e.type)).toEqual(['ArtifactRegistered', 'ArtifactSwept']);
    // The sweep is recorded before the blob goes (a crash in between leaves an orphan, never a lie): wait for it.
    await waitFor('the snapshot blob to be deleted', async () =>
      (await f.runtime.content.has(snapshot.json().sha256)) ? undefined : true,
    );
    expect(await f.runtime.content.has(release.json().sha256)).toBe(true);
    expect((await f.store.readStream(`artifact-${release.json().id}`)).map((e) => e.type)).toEqual([
      'ArtifactRegistered',
    ]);
  });

  it('rebuilds the catalog from the store into the same rows', async () => {
    await f.caughtUp();
    const rows = async () => ({
      artifacts: await f.runtime.db.selectFrom('artifact.artifacts').selectAll().orderBy('artifact_id').execute(),
      promotions: await f.runtime.db.selectFrom('artifact.promotions').selectAll().orderBy('artifact_id').execute(),
    });
    const live = await rows();
    expect(live.artifacts.length).toBe(3);
    await f.runtime.catalog.stop();
    await rebuildProjection({ ...artifactCatalogProjection, store: f.store, db: f.runtime.db });
    expect(await rows()).toEqual(live);
  });
});
