import { StreamIntegrityError } from '@railyard/eventstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.js';
import { operationIdOf } from './openapi-conventions.js';
import { bearer, captureLogger, testApp } from './test-support/test-app.js';

type Operation = {
  operationId: string;
  description: string;
  'x-required-roles'?: string[];
  parameters: { $ref?: string; name?: string; in?: string }[];
  responses: Record<string, { $ref?: string }>;
};

describe('the OpenAPI conventions of every service', () => {
  let app: App;
  let doc: {
    servers: { url: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { responses: Record<string, { description: string; content: Record<string, unknown> }> };
  };
  const { logger, lines } = captureLogger('error');

  beforeAll(async () => {
    app = await testApp({ logger }, (scope) => {
      scope.get('/tampered', async () => {
        throw new StreamIntegrityError('release-1', 3n, 'hash does not match', []);
      });
    });
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gives every operation an operationId, its roles and its error responses with their codes', () => {
    const create = doc.paths['/things']?.post as Operation;
    expect(create.operationId).toBe('postThings');
    expect(create['x-required-roles']).toEqual(['release-manager']);
    expect(create.description).toContain('Requires one of the roles: release-manager');
    expect(Object.keys(create.responses).sort()).toEqual(
      ['201', '400', '401', '403', '409', '412', '413', '415', '422', '500'].sort(),
    );
    expect(create.responses['412']).toEqual({ $ref: '#/components/responses/PreconditionFailed' });
    const get = doc.paths['/things/{id}']?.get as Operation;
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['400', '401', '404', '500']));
    expect(get.responses['409']).toBeUndefined();
    expect(doc.components.responses.PreconditionFailed?.description).toContain('`RAILYARD_PRECONDITION_FAILED`');
    expect(doc.components.responses.ServerError?.description).toContain('`TEST-SERVICE_INTEGRITY_BROKEN`');
    expect(doc.components.responses.Conflict?.content).toHaveProperty(['application/problem+json']);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([{ url: '/', description: 'the test-service service that serves this document' }]);
  });

  it('documents the headers an operation honours', () => {
    const refs = (op: Operation) => op.parameters.map((p) => p.$ref).filter(Boolean);
    expect(refs(doc.paths['/context']?.post as Operation)).toEqual([
      '#/components/parameters/CorrelationId',
      '#/components/parameters/IfMatch',
      '#/components/parameters/IdempotencyKey',
    ]);
    expect(refs(doc.paths['/whoami']?.get as Operation)).toEqual(['#/components/parameters/CorrelationId']);
  });

  it('names operations from method and path', () => {
    expect(operationIdOf('post', '/releases/{id}/cab-votes')).toBe('postReleasesIdCabVotes');
  });

  it('echoes the caller x-correlation-id, or the request id, on successes and errors alike', async () => {
    const authorization = await bearer(['developer']);
    const ok = await app.inject({
      method: 'GET',
      url: '/whoami',
      headers: { authorization, 'x-correlation-id': 'c-42' },
    });
    expect(ok.headers['x-correlation-id']).toBe('c-42');
    const anonymous = await app.inject({ method: 'GET', url: '/whoami', headers: { 'x-correlation-id': 'c-43' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['x-correlation-id']).toBe('c-43');
    const generated = await app.inject({ method: 'GET', url: '/whoami', headers: { authorization } });
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a broken stream with 500 <SERVICE>_INTEGRITY_BROKEN and an error log, without the events', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/tampered',
      headers: { authorization: await bearer(['sre']) },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'TEST-SERVICE_INTEGRITY_BROKEN', status: 500 });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', streamId: 'release-1', revision: '3', reason: 'hash does not match' }),
    );
  });
});
