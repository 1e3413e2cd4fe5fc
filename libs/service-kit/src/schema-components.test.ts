import { ErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { App } from './app.js';
import { pageOf, schemaComponent } from './schema-components.js';
import { bearer, testApp } from './test-support/test-app.js';

const Widget = schemaComponent('TestWidget', z.object({ id: z.string(), size: z.number().int() }));
const WidgetPage = pageOf('TestWidget', Widget);
// Named but used by no route of the app below: its document must not carry it.
schemaComponent('TestUnusedGadget', z.object({ id: z.string() }));

type Doc = {
  paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

describe('schema components', () => {
  let app: App;
  let doc: Doc;

  beforeAll(async () => {
    app = await testApp({}, (scope) => {
      scope.get('/widgets', { schema: { response: { 200: WidgetPage } } }, async () => ({
        items: [{ id: 'w1', size: 3, secret: 'x' } as z.infer<typeof Widget>],
        nextCursor: null,
      }));
      scope.post('/widgets', { schema: { body: Widget, response: { 201: Widget } } }, async (request, reply) =>
        reply.code(201).send(request.body),
      );
    });
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refers to a named schema from routes and lists it once under components.schemas', () => {
    const content = (response: unknown) =>
      (response as { content: Record<string, { schema: unknown }> }).content['application/json']?.schema;
    expect(content(doc.paths['/widgets']?.get?.responses['200'])).toEqual({
      $ref: '#/components/schemas/TestWidgetPage',
    });
    expect(content(doc.paths['/widgets']?.post?.responses['201'])).toEqual({
      $ref: '#/components/schemas/TestWidget',
    });
    expect(content(doc.paths['/widgets']?.post?.requestBody)).toEqual({
      $ref: '#/components/schemas/TestWidgetInput',
    });
    expect(doc.components.schemas.TestWidgetPage?.properties?.items).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/TestWidget' },
    });
    expect(Object.keys(doc.components.schemas).sort()).toEqual(
      ['Problem', 'TestWidget', 'TestWidgetInput', 'TestWidgetPage'].sort(),
    );
  });

  it('validates and serializes as the unnamed schema would', async () => {
    const authorization = await bearer(['developer']);
    const list = await app.inject({ method: 'GET', url: '/widgets', headers: { authorization } });
    expect(list.json()).toEqual({ items: [{ id: 'w1', size: 3 }], nextCursor: null });
    const bad = await app.inject({
      method: 'POST',
      url: '/widgets',
      headers: { authorization },
      payload: { id: 'w2', size: 1.5 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, status: 400 });
  });

  it('gives the same component when a schema is named twice, and refuses a name another schema holds', () => {
    expect(schemaComponent('TestWidget', Widget)).toBe(Widget);
    expect(pageOf('TestWidget', Widget)).toBe(WidgetPage);
    expect(() => schemaComponent('TestWidget', z.object({ id: z.string() }))).toThrow(
      /"TestWidget" is already another schema's name/,
    );
    expect(() => pageOf('TestWidget', z.object({ other: z.string() }))).toThrow(/already another schema's name/);
  });
});
