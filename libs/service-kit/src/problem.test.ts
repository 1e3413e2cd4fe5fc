import { ErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { bearer, captureLogger, testApp } from './test-support/test-app.js';

let app: App;
let auth: string;
beforeAll(async () => {
  app = await testApp({ bodyLimit: 1024 });
  auth = await bearer(['release-manager']);
});
afterAll(() => app.close());

type ProblemJson = Record<string, unknown> & { detail: string; issues: { path: string; message: string }[] };

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json<T>(): T },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemJson>();
  expect(body).toMatchObject({ status, code, type: `urn:railyard:problem:${code}` });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(typeof body.instance).toBe('string');
  return body;
}

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as string, headers: { authorization: auth, ...headers } });

describe('problem+json for every error', () => {
  it('400 lists validation issues with path and message', async () => {
    const res = await post('/things', { name: '', count: 1.5 });
    const body = expectProblem(res, 400, ErrorCodes.VALIDATION_FAILED);
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'body/name', message: expect.any(String) },
        { path: 'body/count', message: expect.any(String) },
      ]),
    );
  });

  it('400 names an unknown field', async () => {
    const res = await post('/things', { name: 'x', colour: 'red' });
    const body = expectProblem(res, 400, ErrorCodes.VALIDATION_FAILED);
    expect(body.issues).toEqual([{ path: 'body/colour', message: 'unknown field "colour"' }]);
    expect(body.detail).toContain('colour');
  });

  it('400 on invalid path params', async () => {
    const res = await app.inject({ method: 'GET', url: '/things/not-a-uuid', headers: { authorization: auth } });
    const body = expectProblem(res, 400, ErrorCodes.VALIDATION_FAILED);
    expect(body.issues[0]?.path).toBe('params/id');
  });

  it('400 on malformed JSON', async () => {
    const res = await post('/things', '{"name": ', { 'content-type': 'application/json' });
    expectProblem(res, 400, ErrorCodes.MALFORMED_JSON);
  });

  it('413 on an oversized body', async () => {
    const res = await post('/things', { name: 'x'.repeat(2048) });
    expectProblem(res, 413, ErrorCodes.BODY_TOO_LARGE);
  });

  it('415 on an unsupported media type', async () => {
    const res = await post('/things', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(res, 415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
    const text = await post('/things', 'hello', { 'content-type': 'text/plain' });
    expectProblem(text, 415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
  });

  it('404 on an unknown route, without needing credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expectProblem(res, 404, ErrorCodes.ROUTE_NOT_FOUND);
  });

  it('405 with Allow when only the method is wrong', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/things', headers: { authorization: auth } });
    expectProblem(res, 405, ErrorCodes.METHOD_NOT_ALLOWED);
    expect(res.headers.allow).toBe('POST');
    const param = await app.inject({ method: 'PUT', url: `/things/${crypto.randomUUID()}` });
    expectProblem(param, 405, ErrorCodes.METHOD_NOT_ALLOWED);
    expect(String(param.headers.allow)).toContain('GET');
  });

  it('404 from a not-found domain error keeps its code', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/things/${crypto.randomUUID()}`,
      headers: { authorization: auth },
    });
    expectProblem(res, 404, ErrorCodes.PLANNING_RELEASE_NOT_FOUND);
  });

  it('409 for a violated rule, with its details as extension members', async () => {
    const body = expectProblem(await post('/rule', {}), 409, ErrorCodes.PLANNING_FREEZE_ACTIVE);
    expect(body.frozenAt).toBe('2030-01-01T00:00:00Z');
  });

  it('409 for a concurrency conflict', async () => {
    expectProblem(await post('/conflict', {}), 409, ErrorCodes.CONCURRENCY_CONFLICT);
  });

  it('412 for a failed precondition', async () => {
    const body = expectProblem(await post('/precondition', {}), 412, ErrorCodes.PRECONDITION_FAILED);
    expect(body.currentRevision).toBe(4);
  });

  it('422 for a semantic validation error', async () => {
    expectProblem(await post('/semantic', {}), 422, ErrorCodes.PLANNING_TARGET_DATE_PAST);
  });

  it('500 never leaks internals, and logs them', async () => {
    const { logger, lines } = captureLogger('error');
    const logged = await testApp({ logger });
    const res = await logged.inject({ method: 'GET', url: '/boom', headers: { authorization: auth } });
    const body = expectProblem(res, 500, ErrorCodes.INTERNAL);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('postgres');
    expect(body.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(lines)).toContain('connection to postgres');
    await logged.close();
  });
});

describe('a dependency outage is a 503, not a 500', () => {
  it.each([
    ['a terminated backend (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a wrapped one', new Error('migrating failed', { cause: Object.assign(new Error('x'), { code: '08006' }) })],
  ])('%s → 503 with Retry-After', async (_what, error) => {
    const outage = await testApp({}, (a) => {
      a.get('/outage', async () => {
        throw error;
      });
    });
    const res = await outage.inject({ method: 'GET', url: '/outage', headers: { authorization: auth } });
    expectProblem(res, 503, ErrorCodes.DEPENDENCY_UNAVAILABLE);
    expect(res.headers['retry-after']).toBe('1');
    await outage.close();
  });

  it('a statement the database refused stays a 500', async () => {
    const refused = await testApp({}, (a) => {
      a.get('/refused', async () => {
        throw Object.assign(new Error('null value in column'), { code: '23502' });
      });
    });
    expectProblem(
      await refused.inject({ method: 'GET', url: '/refused', headers: { authorization: auth } }),
      500,
      ErrorCodes.INTERNAL,
    );
    await refused.close();
  });
});
