import { ErrorCodes } from '@railyard/contracts';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type App, buildApp, type FastifyPluginAsyncZod } from './app.js';
import { createLogger } from './logging.js';
import { bearer, testApp } from './test-support/test-app.js';

describe('health', () => {
  let healthy = true;
  let app: App;
  beforeAll(async () => {
    app = await testApp({
      readinessTimeoutMs: 200,
      readiness: {
        postgres: async () => {
          if (!healthy) throw new Error('ECONNREFUSED 10.0.0.5:5432');
        },
        nats: async () => {},
        slow: () => (healthy ? Promise.resolve() : new Promise<void>(() => {})),
      },
    });
  });
  afterAll(() => app.close());

  it('live is always 200', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'live', service: 'test-service' });
  });

  it('ready is 200 with per-check status when every check passes', async () => {
    healthy = true;
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { status: 'ok' }, nats: { status: 'ok' }, slow: { status: 'ok' } },
    });
  });

  it('ready is 503 problem+json naming the failing checks (an error and a timeout), without internals', async () => {
    healthy = false;
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const body = res.json();
    expect(body.code).toBe(ErrorCodes.NOT_READY);
    expect(body.failing.sort()).toEqual(['postgres', 'slow']);
    expect(body.checks.slow.reason).toBe('timeout');
    expect(body.checks.nats.status).toBe('ok');
    // The sentence names what is down in an operator's words, not only the check's key.
    expect(body.detail).toBe('Not ready: Postgres (read models, inbox, relay checkpoints), slow unavailable.');
    expect(res.body).not.toContain('ECONNREFUSED');
  });
});

describe('metrics', () => {
  it('exposes default and per-route http metrics, and gauges services add', async () => {
    const registry = new Registry();
    const app = await testApp({ metrics: registry });
    const auth = await bearer(['release-manager']);
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'x' }, headers: { authorization: auth } });
    await app.inject({ method: 'GET', url: `/things/${crypto.randomUUID()}`, headers: { authorization: auth } });
    // No route at all: one label for every such path, whatever it is (and no credentials asked for).
    const unmatched = await app.inject({ method: 'GET', url: `/nowhere/${crypto.randomUUID()}` });
    expect(unmatched.statusCode).toBe(404);
    expect(unmatched.headers['x-correlation-id']).toBeTruthy();
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/http_requests_total\{method="POST",route="\/things",status_code="201"\} 1/);
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/things\/:id",status_code="404"\} 1/);
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\(unmatched\)",status_code="404"\} 1/);
    expect(res.body).not.toContain('/nowhere/');
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    await app.close();
    // a second app on the same registry reuses the metrics rather than failing to register them again
    const again = await testApp({ metrics: registry });
    await again.close();
  });

  it('the default registry carries Node default metrics', async () => {
    const app = await testApp();
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('http_request_duration_seconds');
    await app.close();
  });
});

describe('OpenAPI', () => {
  it('lists service routes with their zod schemas and the security schemes', async () => {
    const app = await testApp();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toEqual({ title: 'test-service', version: '0.0.0-test' });
    const body = doc.paths['/things'].post.requestBody.content['application/json'].schema;
    expect(body.properties).toHaveProperty('name');
    expect(body.additionalProperties).toBe(false);
    expect(doc.paths['/things/{id}'].get).toBeDefined();
    expect(doc.paths['/health/live']).toBeUndefined();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBeLessThan(400);
    await app.close();
  });

  it('a route plugin registered after buildApp is typed by zod', async () => {
    const app: App = await buildApp({
      serviceName: 'typed',
      version: '1',
      auth: {},
      logger: createLogger({ level: 'silent' }),
    });
    const typedRoutes: FastifyPluginAsyncZod = async (scope) => {
      scope.get(
        '/typed',
        { schema: { querystring: z.object({ n: z.coerce.number() }) }, config: { public: true } },
        async (request) => ({
          doubled: request.query.n * 2,
        }),
      );
    };
    await app.register(typedRoutes);
    const res = await app.inject({ method: 'GET', url: '/typed?n=21' });
    expect(res.json()).toEqual({ doubled: 42 });
    await app.close();
  });
});
