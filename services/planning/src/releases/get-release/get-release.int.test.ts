import { ErrorCodes } from '@railyard/contracts';
import { createLogger } from '@railyard/service-kit';
import { tamperAsSuperuser } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../../test-support/planning-fixture.js';
import { releaseStream } from '../release-commands.js';

// GET /releases/:id folds the stream, and checks the chain of what it folds (DESIGN §9 F1: a broken stream is never
// served as if it were sound).
describe('GET /releases/:id', () => {
  let f: PlanningFixture;
  let manager: { authorization: string };
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = createLogger({
      name: 'planning',
      level: 'error',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
    });
    f = await startPlanning('getRelease', undefined, { logger });
    manager = await f.auth('rm-ana', ['release-manager']);
  });
  afterAll(async () => {
    await f?.close();
  });

  const plan = async (name: string) => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/releases',
      headers: manager,
      payload: { name, targetDate: '2026-12-15' },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };

  it('serves the release with its revision as ETag, and 404 for an unknown id', async () => {
    const { id } = await plan('2026.12');
    const res = await f.app.inject({ method: 'GET', url: `/releases/${id}`, headers: manager });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.json()).toMatchObject({ id, name: '2026.12', status: 'draft' });
    const missing = await f.app.inject({
      method: 'GET',
      url: '/releases/0193a0a0-0000-7000-8000-000000000000',
      headers: manager,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe(ErrorCodes.PLANNING_RELEASE_NOT_FOUND);
  });

  it('answers 500 PLANNING_INTEGRITY_BROKEN for a tampered stream, logs an error, and appends nothing', async () => {
    const { id } = await plan('Original');
    await tamperAsSuperuser(
      f.database.url,
      'eventstore.events',
      `UPDATE eventstore.events SET data = data || '{"name":"Forged"}' WHERE stream_id = $1`,
      [releaseStream(id)],
    );
    const res = await f.app.inject({ method: 'GET', url: `/releases/${id}`, headers: manager });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 500, code: 'PLANNING_INTEGRITY_BROKEN' });
    expect(res.body).not.toMatch(/Forged|Original/);
    expect(logLines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        streamId: releaseStream(id),
        revision: '0',
        msg: 'event stream integrity broken: refusing to serve it',
      }),
    );

    // A command is not decided on the tampered history either.
    const scoped = await f.app.inject({
      method: 'POST',
      url: `/releases/${id}/scope-items`,
      headers: manager,
      payload: { title: 'Refund API', team: 'payments', kind: 'feature', roadmapRef: 'RM-42' },
    });
    expect(scoped.statusCode).toBe(500);
    expect(scoped.json().code).toBe('PLANNING_INTEGRITY_BROKEN');
    expect(await f.store.readStream(releaseStream(id))).toHaveLength(1);
  });
});
