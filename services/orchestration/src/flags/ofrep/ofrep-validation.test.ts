import { describe, expect, it } from 'vitest';
import { ofrepRequestSchemas, ofrepValidatorCompiler } from './route.js';

type Check = (data: unknown) => { value?: unknown; error?: unknown };
const compile = (httpPart: 'body' | 'params', schema: unknown) =>
  ofrepValidatorCompiler({ schema, httpPart, method: 'POST', url: '/ofrep/v1/evaluate/flags/:key' } as never) as Check;

const bodies: unknown[] = [
  { context: {} },
  { context: { targetingKey: 'user-1', tenant: 'acme', nested: { a: [1, 2, { b: null }] } } },
  { context: { targetingKey: 42 } },
  { context: {}, extra: 'ignored' },
  { context: [] },
  { context: null },
  { context: 'user-1' },
  { context: 7 },
  {},
  { ctx: {} },
  [],
  null,
  'context',
  { context: Object.create(null) },
  { context: new Date(0) },
];

const params: unknown[] = [
  { key: 'checkout-v2' },
  { key: 'k' },
  { key: 'x'.repeat(128) },
  { key: 'x'.repeat(129) },
  { key: '' },
  { key: 7 },
  {},
  { key: 'a', other: 'b' },
  null,
];

describe('OFREP request validation', () => {
  it('gives the fast path the same verdict as the zod schemas, for bodies and for keys', () => {
    const body = compile('body', ofrepRequestSchemas.body);
    const key = compile('params', ofrepRequestSchemas.params);
    for (const data of bodies) {
      expect({ data, ok: body(data).error === undefined }).toEqual({
        data,
        ok: ofrepRequestSchemas.body.safeParse(data).success,
      });
    }
    for (const data of params) {
      expect({ data, ok: key(data).error === undefined }).toEqual({
        data,
        ok: ofrepRequestSchemas.params.safeParse(data).success,
      });
    }
  });

  it('hands a refused request to zod, so the error is zod’s own', () => {
    const body = compile('body', ofrepRequestSchemas.body);
    const { error } = body({ context: [] }) as { error: { instancePath: string; message: string }[] };
    expect(error).toEqual([expect.objectContaining({ instancePath: '/context', message: expect.any(String) })]);
  });
});
