import { rebuildProjection } from '@railyard/readmodels';
import { appendedSince, markPosition } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../test-support/planning-fixture.js';
import { releaseStream } from './release-commands.js';
import { projectReleaseList, RELEASE_LIST, releaseListFilter, resetReleaseList } from './release-list/projection.js';

// A release through its thin-slice life over HTTP: plan → scope → freeze, with the errors a client can hit.
describe('releases over HTTP', () => {
  let f: PlanningFixture;
  let manager: { authorization: string };
  let developer: { authorization: string };
  let owner: { authorization: string };

  beforeAll(async () => {
    f = await startPlanning('releasesHttp');
    manager = await f.auth('rm-ana', ['release-manager']);
    developer = await f.auth('dev-bo', ['developer']);
    owner = await f.auth('po-cy', ['product-owner']);
  });
  afterAll(async () => {
    await f?.close();
  });

  // The release events committed after `before` (a marker's position): appendedSince reads up to a fresh marker, so a
  // global read that trails a commit cannot hide one.
  const releaseEventsSince = async (before: bigint) =>
    (await appendedSince(f.store, before, { categories: ['release'] })).map((e) => `${e.type} in ${e.streamId}`);

  async function plan(name = 'Winter 2026') {
    const res = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers: manager,
      payload: { name, targetDate: '2026-12-15' },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; revision: number };
  }

  it('plans, scopes and freezes a release, recording the actor on every event', async () => {
    const planned = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers: manager,
      payload: { name: '2026.12', targetDate: '2026-12-10' },
    });
    expect(planned.statusCode).toBe(201);
    const release = planned.json();
    expect(planned.headers.location).toBe(`/releases/${release.id}`);
    expect(planned.headers.etag).toBe('"0"');
    expect(release).toMatchObject({ name: '2026.12', status: 'draft', owner: 'rm-ana', scopeItems: [] });

    const scoped = await f.app.inject({
      method: 'POST',
      url: `/releases/${release.id}/scope-items`,
      headers: developer,
      payload: { title: 'Refund API', team: 'payments', kind: 'feature', roadmapRef: 'RM-42' },
    });
    expect(scoped.statusCode).toBe(201);
    expect(scoped.json().release).toMatchObject({
      status: 'draft',
      scopeItems: [{ title: 'Refund API', author: 'dev-bo', state: 'proposed' }],
    });
    // The product owner's acceptance is what puts the item in scope.
    const accepted = await f.app.inject({
      method: 'POST',
      url: `/releases/${release.id}/scope-items/${scoped.json().itemId}/accept`,
      headers: { ...owner, 'if-match': scoped.headers.etag as string },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: 'scoped',
      scopeItems: [{ state: 'accepted', decidedBy: 'po-cy' }],
    });

    const frozen = await f.app.inject({
      method: 'POST',
      url: `/releases/${release.id}/freeze`,
      headers: { ...manager, 'if-match': accepted.headers.etag as string },
    });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.headers.etag).toBe('"3"');
    expect(frozen.json()).toMatchObject({ status: 'frozen' });

    const got = await f.app.inject({ method: 'GET', url: `/releases/${release.id}`, headers: developer });
    expect(got.json()).toMatchObject({ status: 'frozen', revision: 3 });
    expect(got.headers.etag).toBe('"3"');

    const events = await f.store.readStream(releaseStream(release.id));
    expect(events.map((e) => [e.type, e.metadata.actor.id])).toEqual([
      ['ReleasePlanned', 'rm-ana'],
      ['ScopeItemAdded', 'dev-bo'],
      ['ScopeItemAccepted', 'po-cy'],
      ['ReleaseFrozen', 'rm-ana'],
    ]);
  });

  it('gives one success and 29 × 412 to 30 concurrent freezes with the same If-Match, appending once', async () => {
    const { id } = await plan('Race');
    const scoped = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/scope-items`,
      headers: manager,
      payload: { title: 'Fix login', team: 'identity', kind: 'fix' },
    });
    const accepted = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/scope-items/${scoped.json().itemId}/accept`,
      headers: owner,
    });
    const etag = accepted.headers.etag as string;
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        f.app.inject({ method: 'POST', url: `/releases/${id}/freeze`, headers: { ...manager, 'if-match': etag } }),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 412)).toHaveLength(29);
    const refused = responses.find((r) => r.statusCode === 412)!;
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json().code).toBe('RAILYARD_PRECONDITION_FAILED');
    const stream = await f.store.readStream(releaseStream(id));
    expect(stream.filter((e) => e.type === 'ReleaseFrozen')).toHaveLength(1);
  });

  it('honours If-Match on every release command: a stale revision gets 412 and appends nothing', async () => {
    const { id } = await plan('Stale');
    const added = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/dependencies`,
      headers: { ...developer, 'if-match': '"0"' },
      payload: { from: { team: 'web' }, to: { team: 'api' }, kind: 'backend', owner: 'lead' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.headers.etag).toBe('"1"');
    const before = await markPosition(f.store);
    const stale = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/compliance-requirements`,
      headers: { ...manager, 'if-match': '"0"' },
      payload: { control: 'audit-trail', name: 'Trail', mandatory: true },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('RAILYARD_PRECONDITION_FAILED');
    expect(await releaseEventsSince(before)).toEqual([]);
  });

  it('replays a retried create with the same Idempotency-Key: same release, nothing appended', async () => {
    const headers = { ...manager, 'idempotency-key': 'create-spring-2027' };
    const payload = { name: 'Spring 2027', targetDate: '2027-03-01' };
    const first = await f.app.inject({ method: 'POST', url: '/releases', headers, payload });
    const before = await markPosition(f.store);
    const second = await f.app.inject({ method: 'POST', url: '/releases', headers, payload });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(await releaseEventsSince(before)).toEqual([]);
    const reused = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers,
      payload: { ...payload, name: 'Other' },
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('RAILYARD_IDEMPOTENCY_KEY_REUSED');
  });

  it('replays a retried freeze-exception request with the same Idempotency-Key: same exception id', async () => {
    const { id } = await plan('Idempotent exception');
    const headers = { ...developer, 'idempotency-key': 'exception-1' };
    const payload = {
      change: { action: 'add-scope-item', title: 'Late fix', team: 'web', kind: 'fix' },
      justification: 'customer escalation',
    };
    const url = `/releases/${id}/freeze-exceptions`;
    const first = await f.app.inject({ method: 'POST', url, headers, payload });
    expect(first.statusCode).toBe(201);
    const before = await markPosition(f.store);
    const second = await f.app.inject({ method: 'POST', url, headers, payload });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await releaseEventsSince(before)).toEqual([]);
  });

  describe('bad requests get problem+json 4xx and append nothing', () => {
    type Case = [
      string,
      () => Promise<{ method: 'POST'; url: string; headers: Record<string, string>; payload?: string }>,
      number,
      string,
    ];
    const cases: Case[] = [
      [
        'malformed JSON',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: '{"name": ',
        }),
        400,
        'RAILYARD_REQUEST_MALFORMED_JSON',
      ],
      // Postgres cannot store NUL, and a lone surrogate is not Unicode: refused at validation, for any field.
      ...(
        [
          ['a NUL in a string field', { name: 'a\u0000b', targetDate: '2026-12-10' }],
          ['a lone low surrogate', { name: 'x\udfff', targetDate: '2026-12-10' }],
          ['a lone high surrogate', { name: '\ud800', targetDate: '2026-12-10' }],
        ] as const
      ).map(
        ([what, body]): Case => [
          what,
          async () => ({
            method: 'POST' as const,
            url: '/releases',
            headers: { ...manager, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          }),
          400,
          'RAILYARD_REQUEST_INVALID',
        ],
      ),
      [
        'a mistyped field',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 42, targetDate: '2026-12-10' }),
        }),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'an impossible date',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2026-02-30' }),
        }),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'an unknown field',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2026-12-10', priority: 'high' }),
        }),
        400,
        'RAILYARD_REQUEST_INVALID',
      ],
      [
        'an oversized body',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), targetDate: '2026-12-10' }),
        }),
        413,
        'RAILYARD_REQUEST_TOO_LARGE',
      ],
      [
        'no credentials',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2026-12-10' }),
        }),
        401,
        'RAILYARD_AUTH_MISSING',
      ],
      [
        'a forged token',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { authorization: `${manager.authorization.slice(0, -4)}AAAA`, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2026-12-10' }),
        }),
        401,
        'RAILYARD_AUTH_INVALID',
      ],
      [
        'the wrong role',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...developer, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2026-12-10' }),
        }),
        403,
        'RAILYARD_AUTH_FORBIDDEN',
      ],
      [
        'a date in the past',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'x', targetDate: '2020-01-01' }),
        }),
        422,
        'PLANNING_TARGET_DATE_PAST',
      ],
      [
        'a text body',
        async () => ({
          method: 'POST',
          url: '/releases',
          headers: { ...manager, 'content-type': 'text/plain' },
          payload: 'name=x',
        }),
        415,
        'RAILYARD_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      ],
    ];
    for (const [what, request, status, code] of cases) {
      it(`refuses ${what} with ${status} ${code}`, async () => {
        const before = await markPosition(f.store);
        const res = await f.app.inject(await request());
        expect(res.statusCode).toBe(status);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status, code });
        expect(await releaseEventsSince(before)).toEqual([]);
      });
    }

    it('refuses an illegal transition with 409 and a code', async () => {
      const { id } = await plan('Empty');
      const before = await markPosition(f.store);
      const res = await f.app.inject({ method: 'POST', url: `/releases/${id}/freeze`, headers: manager });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('PLANNING_SCOPE_EMPTY');
      expect(await releaseEventsSince(before)).toEqual([]);
    });

    it('answers 404 with a code for a release that does not exist', async () => {
      const res = await f.app.inject({
        method: 'GET',
        url: '/releases/0193a000-0000-7000-8000-000000000999',
        headers: manager,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('PLANNING_RELEASE_NOT_FOUND');
    });
  });

  it('lists releases from the projection, cursor-paginated, saying how far behind it is', async () => {
    let last = '';
    for (const name of ['List A', 'List B', 'List C']) last = (await plan(name)).id;
    // Wait for the projection to pass the last event we wrote (not the store's head: the head a reader can see
    // may lag behind a commit while an older transaction anywhere in the cluster is still running).
    const [lastEvent] = await f.store.readStream(releaseStream(last), { direction: 'backwards', limit: 1 });
    await f.releaseList.waitFor(lastEvent!.position, 10_000);
    const head = await f.releaseList.position();
    const first = await f.app.inject({ method: 'GET', url: '/releases?limit=2', headers: developer });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-projection-position']).toBe(head.toString());
    expect(first.headers['x-projection-lag']).toBe('0');
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    const seen = [...page1.items];
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = (
        await f.app.inject({ method: 'GET', url: `/releases?limit=2&cursor=${cursor}`, headers: developer })
      ).json();
      seen.push(...next.items);
      cursor = next.nextCursor;
    }
    const all = (await f.store.readAll({ filter: { categories: ['release'], eventTypes: ['ReleasePlanned'] } })).length;
    expect(seen).toHaveLength(all);
    expect(new Set(seen.map((r) => r.id)).size).toBe(all);
    const frozen = (await f.app.inject({ method: 'GET', url: '/releases?status=frozen', headers: developer })).json();
    expect(frozen.items.every((r: { status: string }) => r.status === 'frozen')).toBe(true);
    expect(frozen.items.length).toBeGreaterThanOrEqual(2);
    const bad = await f.app.inject({ method: 'GET', url: '/releases?cursor=nonsense', headers: developer });
    expect(bad.statusCode).toBe(400);
  });

  it('rebuilds the release list from the store into exactly the rows the live projection wrote', async () => {
    const snapshot = () => f.db.selectFrom('planning.release_list').selectAll().orderBy('release_id').execute();
    const [last] = await f.store.readAll({ filter: releaseListFilter }).then((all) => all.slice(-1));
    await f.releaseList.waitFor(last!.position, 10_000);
    const live = await snapshot();
    expect(live.length).toBeGreaterThan(5);
    await f.releaseList.stop();
    const result = await rebuildProjection({
      store: f.store,
      db: f.db,
      name: RELEASE_LIST,
      schema: 'planning',
      filter: releaseListFilter,
      projectBatch: projectReleaseList,
      reset: resetReleaseList,
    });
    expect(result.events).toBe((await f.store.readAll({ filter: releaseListFilter })).length);
    expect(await snapshot()).toEqual(live);
    await f.releaseList.start();
  });
});
