import type { InjectRequest } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../test-support/planning-fixture.js';
import { releaseStream } from './release-commands.js';

// A client that times out and retries, or a proxy that replays, sends the same Idempotency-Key many times at once.
// Every copy must get the first execution's answer, and the log must hold the command's events once.
describe('concurrent retries with one Idempotency-Key', () => {
  let f: PlanningFixture;
  let manager: { authorization: string };
  let developer: { authorization: string };

  beforeAll(async () => {
    f = await startPlanning('retries');
    manager = await f.auth('rm-ana', ['release-manager']);
    developer = await f.auth('dev-bo', ['developer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const eventsOfType = async (releaseId: string, type: string) =>
    (await f.store.readStream(releaseStream(releaseId))).filter((e) => e.type === type);

  /** Sends `n` identical requests at once and returns status, body and the headers a client relies on. */
  async function burst(n: number, request: InjectRequest) {
    const responses = await Promise.all(Array.from({ length: n }, () => f.app.inject(request as never)));
    return responses.map((r) => ({
      status: r.statusCode,
      body: r.json(),
      location: r.headers.location,
      etag: r.headers.etag,
    }));
  }

  it('50 concurrent creates: every response is the first one, one ReleasePlanned appended', async () => {
    const results = await burst(50, {
      method: 'POST',
      url: '/releases',
      headers: { ...manager, 'idempotency-key': 'burst-create-1' },
      payload: { name: 'Burst 2027', targetDate: '2027-05-01' },
    });
    const first = results[0]!;
    expect(first.status).toBe(201);
    for (const r of results) expect(r).toEqual(first);
    const planned = await eventsOfType(first.body.id, 'ReleasePlanned');
    expect(planned).toHaveLength(1);
  });

  it('50 concurrent commands on an existing stream, with and without If-Match: one event, one answer', async () => {
    const created = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers: manager,
      payload: { name: 'Burst scope', targetDate: '2027-06-01' },
    });
    const release = created.json() as { id: string };
    const url = `/releases/${release.id}/scope-items`;
    const payload = { title: 'Refund API', team: 'payments', kind: 'feature', roadmapRef: 'RM-7' };

    const plain = await burst(50, {
      method: 'POST',
      url,
      payload,
      headers: { ...developer, 'idempotency-key': 's-1' },
    });
    expect(plain[0]!.status).toBe(201);
    for (const r of plain) expect(r).toEqual(plain[0]);

    // If-Match names the revision all of them read; the losers' conflict is their twin, not a stale client.
    const guarded = await burst(30, {
      method: 'POST',
      url,
      payload: { ...payload, title: 'Refund UI' },
      headers: { ...developer, 'idempotency-key': 's-2', 'if-match': '"1"' },
    });
    expect(guarded[0]!.status).toBe(201);
    for (const r of guarded) expect(r).toEqual(guarded[0]);

    const added = await eventsOfType(release.id, 'ScopeItemAdded');
    expect(added).toHaveLength(2);
  });
});
