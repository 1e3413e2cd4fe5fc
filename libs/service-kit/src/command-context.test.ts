import { ErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { canonicalJson, etagOf, parseIfMatch } from './command-context.js';
import { bearer, testApp } from './test-support/test-app.js';

describe('If-Match and ETag', () => {
  it('round-trips a revision through etagOf and parseIfMatch', () => {
    expect(etagOf(0n)).toBe('"0"');
    expect(etagOf(42n)).toBe('"42"');
    expect(parseIfMatch(etagOf(42n))).toBe(42n);
    expect(parseIfMatch(' "9007199254740993" ')).toBe(9007199254740993n);
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each(['42', 'W/"42"', '*', '"1", "2"', '"-1"', '"01"', '"abc"', '""'])('refuses %s', (header) => {
    expect(() => parseIfMatch(header)).toThrow(
      expect.objectContaining({ status: 400, code: ErrorCodes.IF_MATCH_INVALID }),
    );
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });
});

describe('commandContext(request)', () => {
  let app: App;
  let auth: string;
  beforeAll(async () => {
    app = await testApp();
    auth = await bearer(['developer'], 'carol');
  });
  afterAll(() => app.close());

  const call = (headers: Record<string, string>, payload: unknown = { b: 1, a: 2 }) =>
    app.inject({
      method: 'POST',
      url: '/context',
      payload: payload as object,
      headers: { authorization: auth, ...headers },
    });

  it('carries actor, correlation id, If-Match revision and idempotency key with a request hash', async () => {
    const res = await call({ 'x-correlation-id': 'corr-1', 'if-match': '"7"', 'idempotency-key': 'key-1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"7"');
    const ctx = res.json();
    expect(ctx).toMatchObject({
      actor: { id: 'carol', kind: 'user', roles: ['developer'] },
      correlationId: 'corr-1',
      expectedRevision: '7',
      idempotencyKey: 'key-1',
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Number.isNaN(Date.parse(ctx.now))).toBe(false);
    const reordered = await call({ 'idempotency-key': 'key-1' }, { a: 2, b: 1 });
    expect(reordered.json().requestHash).toBe(ctx.requestHash);
    const different = await call({ 'idempotency-key': 'key-1' }, { a: 3, b: 1 });
    expect(different.json().requestHash).not.toBe(ctx.requestHash);
  });

  it('falls back to the request id and omits what was not sent', async () => {
    const ctx = (await call({})).json();
    expect(ctx.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.expectedRevision).toBeNull();
    expect(ctx).not.toHaveProperty('idempotencyKey');
    expect(ctx).not.toHaveProperty('requestHash');
  });

  it('400 IF_MATCH_INVALID for a malformed If-Match', async () => {
    const res = await call({ 'if-match': 'W/"3"' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().code).toBe(ErrorCodes.IF_MATCH_INVALID);
  });

  it('400 for an idempotency key that is too long or not printable', async () => {
    const long = await call({ 'idempotency-key': 'k'.repeat(201) });
    expect(long.statusCode).toBe(400);
    expect(long.json().issues[0].path).toBe('headers/idempotency-key');
    const control = await call({ 'idempotency-key': 'a\tb' });
    expect(control.statusCode).toBe(400);
  });
});
