import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes } from '@railyard/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { authConfigFromEnv, hashApiKey, signDevToken } from './auth.js';
import { baseConfigSchema, loadConfig } from './config.js';
import { bearer, SECRET, testApp } from './test-support/test-app.js';

const whoami = (app: App, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/whoami', headers });

describe('bearer JWT (HS256)', () => {
  let app: App;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(() => app.close());

  it('accepts a valid token and exposes the actor', async () => {
    const res = await whoami(app, { authorization: await bearer(['developer'], 'alice') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'alice', kind: 'user', roles: ['developer'] });
  });

  it('401 without credentials', async () => {
    const res = await whoami(app);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().code).toBe(ErrorCodes.UNAUTHENTICATED);
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  it('401 for an expired token', async () => {
    const token = await new SignJWT({ roles: ['developer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    const res = await whoami(app, { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: ErrorCodes.TOKEN_INVALID, detail: 'The token has expired.' });
  });

  it('401 for a bad signature', async () => {
    const token = await signDevToken({
      sub: 'mallory',
      roles: ['admin'],
      secret: 'another-secret-that-is-32-chars-long!!',
    });
    const res = await whoami(app, { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(ErrorCodes.TOKEN_INVALID);
  });

  it('never lets a verified token vouch for another: the cache is keyed by the whole signed token', async () => {
    const good = await bearer(['developer'], 'alice');
    expect((await whoami(app, { authorization: good })).statusCode).toBe(200);
    expect((await whoami(app, { authorization: good })).statusCode).toBe(200);
    // Same header and claims but sub changed, old signature kept: a forgery the cache must not serve.
    const [h, p, sig] = good.slice('Bearer '.length).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory', roles: ['admin'] })).toString('base64url')}.${sig}`;
    const res = await whoami(app, { authorization: `Bearer ${forged}` });
    expect(res.statusCode).toBe(401);
  });

  it('401 for garbage and for a token without sub', async () => {
    expect((await whoami(app, { authorization: 'Bearer not.a.jwt' })).statusCode).toBe(401);
    expect((await whoami(app, { authorization: 'Basic dXNlcjpwYXNz' })).json().code).toBe(ErrorCodes.TOKEN_INVALID);
    const noSub = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await whoami(app, { authorization: `Bearer ${noSub}` })).statusCode).toBe(401);
  });

  it('403 when the role is missing; admin passes every check', async () => {
    const payload = { name: 'x' };
    const dev = await app.inject({
      method: 'POST',
      url: '/things',
      payload,
      headers: { authorization: await bearer(['developer']) },
    });
    expect(dev.statusCode).toBe(403);
    expect(dev.json()).toMatchObject({ code: ErrorCodes.FORBIDDEN, requiredRoles: ['release-manager'] });
    const admin = await app.inject({
      method: 'POST',
      url: '/things',
      payload,
      headers: { authorization: await bearer(['admin']) },
    });
    expect(admin.statusCode).toBe(201);
    const rm = await app.inject({
      method: 'POST',
      url: '/things',
      payload,
      headers: { authorization: await bearer(['release-manager']) },
    });
    expect(rm.statusCode).toBe(201);
  });

  it('leaves health, metrics, openapi and docs public', async () => {
    for (const url of ['/health/live', '/metrics', '/openapi.json', '/docs']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
    }
  });
});

describe('bearer JWT (JWKS over a real loopback server)', () => {
  let server: Server;
  let app: App;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let fetches = 0;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      fetches++;
      if (req.url !== '/.well-known/jwks.json') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    app = await testApp({
      auth: {
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        issuer: 'https://idp.test',
        audience: 'railyard',
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const rs256 = (claims: { iss?: string; aud?: string } = {}) =>
    new SignJWT({ roles: ['sre'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('bob')
      .setIssuer(claims.iss ?? 'https://idp.test')
      .setAudience(claims.aud ?? 'railyard')
      .setExpirationTime('5m')
      .sign(privateKey);

  it('verifies an RS256 token against the fetched key set', async () => {
    const res = await whoami(app, { authorization: `Bearer ${await rs256()}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'bob', kind: 'user', roles: ['sre'] });
    expect(fetches).toBeGreaterThan(0);
  });

  it('rejects the wrong audience, and HS256 tokens when no secret is configured', async () => {
    const res = await whoami(app, { authorization: `Bearer ${await rs256({ aud: 'someone-else' })}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('aud');
    const hs = await whoami(app, { authorization: await bearer(['admin']) });
    expect(hs.statusCode).toBe(401);
  });
});

describe('API keys', () => {
  const key = 'ry_live_0123456789abcdef';
  let app: App;
  beforeAll(async () => {
    const config = loadConfig(baseConfigSchema, {
      RAILYARD_API_KEYS: `ci-server:deployer|developer:${hashApiKey(key)},bot:analyst:${hashApiKey('other-key')}`,
    });
    app = await testApp({ auth: authConfigFromEnv(config) });
  });
  afterAll(() => app.close());

  it('accepts a configured key in Authorization or X-Api-Key', async () => {
    const viaAuth = await whoami(app, { authorization: `ApiKey ${key}` });
    expect(viaAuth.statusCode).toBe(200);
    expect(viaAuth.json()).toEqual({ id: 'ci-server', kind: 'system', roles: ['deployer', 'developer'] });
    const viaHeader = await whoami(app, { 'x-api-key': key });
    expect(viaHeader.json().id).toBe('ci-server');
  });

  it('401 for an unknown key', async () => {
    const res = await whoami(app, { 'x-api-key': 'ry_live_wrong' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(ErrorCodes.TOKEN_INVALID);
  });

  it('403 when the key lacks the role', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x' },
      headers: { 'x-api-key': key },
    });
    expect(res.statusCode).toBe(403);
  });

  it('answers a known key the same every time, and never lets a near miss or a later unknown key through', async () => {
    // The second and third calls are served from the cache of matched keys: same actor, still a copy per response.
    for (let i = 0; i < 3; i++) {
      const res = await whoami(app, { 'x-api-key': key });
      expect(res.json()).toEqual({ id: 'ci-server', kind: 'system', roles: ['deployer', 'developer'] });
    }
    for (const wrong of [`${key} `, key.slice(0, -1), `${key}0`, key.toUpperCase()]) {
      expect((await whoami(app, { 'x-api-key': wrong })).statusCode).toBe(401);
    }
    // A refused key was not remembered as anything: refused again.
    expect((await whoami(app, { 'x-api-key': 'ry_live_wrong' })).statusCode).toBe(401);
    expect((await whoami(app, { 'x-api-key': 'other-key' })).json().id).toBe('bot');
  });

  it('forgets every key when the configuration changes (a new authenticator starts empty)', async () => {
    expect((await whoami(app, { 'x-api-key': key })).statusCode).toBe(200);
    const rotated = await testApp({
      auth: authConfigFromEnv(
        loadConfig(baseConfigSchema, { RAILYARD_API_KEYS: `bot:analyst:${hashApiKey('other-key')}` }),
      ),
    });
    try {
      expect((await whoami(rotated, { 'x-api-key': key })).statusCode).toBe(401);
      expect((await whoami(rotated, { 'x-api-key': 'other-key' })).statusCode).toBe(200);
    } finally {
      await rotated.close();
    }
  });
});
