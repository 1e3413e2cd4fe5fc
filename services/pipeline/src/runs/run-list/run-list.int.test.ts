import { rebuildProjection } from '@railyard/readmodels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';
import { runStream } from '../run-commands.js';
import { runListProjection } from './projection.js';

describe('the run list', () => {
  let f: PipelineFixture;
  const ids: string[] = [];
  beforeAll(async () => {
    f = await startPipeline('pipeList');
    const rm = await f.auth('rm-ana', ['release-manager']);
    const dev = await f.auth('dev-ana', ['developer']);
    const stages = [
      { kind: 'build', name: 'build' },
      { kind: 'deploy', name: 'staging', environment: 'staging' },
    ];
    await f.app.inject({
      method: 'PUT',
      url: '/services/mailer/pipeline-definition',
      headers: rm,
      payload: { tier: 'low', stages },
    });
    await f.publishArtifact({ name: 'mailer', version: '1.0.0', sha256: '1'.repeat(64) });
    await f.until('mailer in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/mailer/1.0.0/gates', headers: dev });
      return res.statusCode === 200 ? true : undefined;
    });
    for (let i = 0; i < 3; i++) {
      f.clock.now = new Date(Date.parse('2026-11-26T09:00:00Z') + i * 60_000);
      const payload = { service: 'mailer', artifact: { name: 'mailer', version: '1.0.0' }, changeAuthor: 'dev-bo' };
      ids.push((await f.app.inject({ method: 'POST', url: '/runs', headers: dev, payload })).json().id);
    }
    await f.app.inject({
      method: 'POST',
      url: `/runs/${ids[0]}/cancel`,
      headers: ciHeaders,
      payload: { reason: 'old' },
    });
    // The projection has folded every run once it has passed the last event of each run's stream.
    let last = 0n;
    for (const id of ids) {
      const position = (await f.store.readStream(runStream(id))).at(-1)!.position;
      if (position > last) last = position;
    }
    await f.runtime.runList.waitFor(last, 10_000);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('pages newest first, filters by status and service, and says how far behind it is', async () => {
    const dev = await f.auth('dev-ana', ['developer']);
    const first = await f.app.inject({ method: 'GET', url: '/runs?service=mailer&limit=2', headers: dev });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-projection-lag']).toBe('0');
    expect(first.json().items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const next = await f.app.inject({
      method: 'GET',
      url: `/runs?limit=2&cursor=${first.json().nextCursor}`,
      headers: dev,
    });
    expect(next.json()).toMatchObject({ items: [{ id: ids[0], status: 'failed' }], nextCursor: null });
    const failed = await f.app.inject({ method: 'GET', url: '/runs?status=failed', headers: dev });
    expect(failed.json().items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    const bad = await f.app.inject({ method: 'GET', url: '/runs?cursor=bm9wZQ', headers: dev });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'RAILYARD_REQUEST_INVALID']);
  });

  it('rebuilds from the store to the same rows', async () => {
    const rows = async () => (await f.pool.query('SELECT * FROM pipeline.run_list ORDER BY run_id')).rows;
    const live = await rows();
    await f.runtime.runList.stop();
    await rebuildProjection({ ...runListProjection, store: f.store, db: f.runtime.db });
    expect(await rows()).toEqual(live);
    await f.runtime.runList.start();
  });
});
