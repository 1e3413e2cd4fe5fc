import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
beforeAll(async () => {
  f = await startFlags('defineflag');
  dev = await f.auth('dev-ines', ['developer']);
});
afterAll(() => f?.close());

const checkout = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, 'on', null] },
};

describe('POST /flags', () => {
  it('defines a flag, answers its view, and records FlagDefined with actor and reason', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/flags',
      headers: dev,
      payload: { key: 'new-checkout', ...checkout, reason: 'checkout v2 behind a flag' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/flags/new-checkout');
    expect(res.headers.etag).toBe('"0"');
    expect(res.json()).toEqual({
      key: 'new-checkout',
      definition: checkout,
      offVariant: 'off',
      killed: false,
      revision: 0,
    });
    expect(await f.eventsOf(flagStream('new-checkout'))).toEqual([
      {
        type: 'FlagDefined',
        data: {
          key: 'new-checkout',
          definition: checkout,
          offVariant: 'off',
          reason: 'checkout v2 behind a flag',
          definedBy: 'dev-ines',
        },
      },
    ]);
  });

  it('refuses a second definition of the same key with 409', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/flags',
      headers: dev,
      payload: { key: 'new-checkout', ...checkout, reason: 'again' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe(FlagErrorCodes.FLAG_EXISTS);
    expect(await f.eventsOf(flagStream('new-checkout'))).toHaveLength(1);
  });

  it('needs a role that may change flags', async () => {
    const analyst = await f.auth('ana', ['analyst']);
    const res = await f.app.inject({
      method: 'POST',
      url: '/flags',
      headers: analyst,
      payload: { key: 'x1', ...checkout, reason: 'r' },
    });
    expect(res.statusCode).toBe(403);
    expect(await f.eventsOf(flagStream('x1'))).toEqual([]);
  });

  // Bad input: problem+json, nothing recorded.
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['not flagd JSON: state ON', { ...checkout, state: 'ON' }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['no variants', { ...checkout, variants: {} }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['an unknown field', { ...checkout, colour: 'red' }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['no reason', { ...checkout, reason: undefined }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['a key with a slash', { ...checkout, key: 'a/b' }, 400, 'RAILYARD_REQUEST_INVALID'],
    [
      'a defaultVariant that names no variant',
      { ...checkout, defaultVariant: 'maybe' },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    [
      'non-integer weights',
      {
        ...checkout,
        targeting: {
          fractional: [
            ['on', 0.5],
            ['off', 99.5],
          ],
        },
      },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    [
      'negative weights',
      {
        ...checkout,
        targeting: {
          fractional: [
            ['on', -10],
            ['off', 110],
          ],
        },
      },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    [
      'a targeting rule that does not parse',
      { ...checkout, targeting: { frobnicate: [1] } },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    [
      'targeting returning an unknown variant',
      { ...checkout, targeting: { if: [true, 'maybe', 'off'] } },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    [
      'a reference to a missing segment',
      { ...checkout, targeting: { if: [{ $ref: 'ghosts' }, 'on', 'off'] } },
      422,
      FlagErrorCodes.FLAG_INVALID,
    ],
    ['an offVariant that names no variant', { ...checkout, offVariant: 'dark' }, 422, FlagErrorCodes.FLAG_INVALID],
  ];
  it.each(cases)('refuses %s', async (_name, body, status, code) => {
    const payload = { key: 'bad-flag', reason: 'try', ...body };
    const res = await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
    expect(await f.eventsOf(flagStream('bad-flag'))).toEqual([]);
  });
});
