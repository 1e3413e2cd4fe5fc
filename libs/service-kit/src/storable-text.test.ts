import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { App } from './app.js';
import { unstorableStrings } from './storable-text.js';
import { bearer, testApp } from './test-support/test-app.js';

describe('unstorableStrings', () => {
  it('finds NUL and lone surrogates in values and keys, with their paths, and passes proper text', () => {
    expect(unstorableStrings({ a: ['ok', 'x\u0000'], b: { c: '\udfff' } }, 'body')).toEqual(
      expect.arrayContaining([
        { path: 'body/a/1', message: expect.stringContaining('NUL') },
        { path: 'body/b/c', message: expect.stringContaining('surrogate') },
      ]),
    );
    expect(unstorableStrings({ '\ud800': 1 }, 'body')).toEqual([
      { path: 'body', message: expect.stringContaining('field name') },
    ]);
    // A well-formed pair (an emoji) and ordinary control characters are text Postgres stores.
    expect(unstorableStrings({ a: '🚀 tab\there', n: 1, z: null }, 'body')).toEqual([]);
  });

  it('leaves raw bodies alone: a stream or a Buffer is no JSON value (walking a stream never ends)', () => {
    const stream = Readable.from([Buffer.from('x\u0000')]);
    expect(unstorableStrings(stream, 'body')).toEqual([]);
    expect(unstorableStrings(Buffer.from('x\u0000'), 'body')).toEqual([]);
  });

  it('walks a body nested 10,000 levels deep without recursion', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(unstorableStrings(deep, 'body')).toHaveLength(1);
  });
});

describe('the kit refuses unstorable text on every route', () => {
  let app: App;
  beforeAll(async () => {
    app = await testApp({}, (a) => {
      // A route with no body schema at all: the rule is the kit's, not each schema's.
      a.post('/loose', { config: { roles: ['release-manager'] }, schema: { body: z.unknown() } }, async () => ({
        ok: true,
      }));
    });
  });
  afterAll(() => app.close());

  it.each([
    ['NUL', { name: 'a\u0000' }],
    ['lone low surrogate', { name: '\udfff' }],
    ['lone high surrogate', { name: 'x\ud800y' }],
  ])('answers 400 problem+json for a %s', async (_what, payload) => {
    const authorization = await bearer(['release-manager']);
    for (const url of ['/things', '/loose']) {
      const res = await app.inject({ method: 'POST', url, headers: { authorization }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'RAILYARD_REQUEST_INVALID', issues: [{ path: 'body/name' }] });
    }
  });

  it('refuses NUL in the query too, and lets proper text through', async () => {
    const authorization = await bearer(['release-manager']);
    const bad = await app.inject({ method: 'POST', url: '/loose?x=%00', headers: { authorization }, payload: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('querystring/x');
    const good = await app.inject({ method: 'POST', url: '/loose', headers: { authorization }, payload: { n: '🚀' } });
    expect(good.statusCode).toBe(200);
  });
});
