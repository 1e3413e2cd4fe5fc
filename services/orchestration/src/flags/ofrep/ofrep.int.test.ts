import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags, TEST_API_KEY } from '../test-support/flag-fixture.js';

/**
 * A real OpenFeature client (the server SDK with the registry's OFREP provider) against the running service over
 * HTTP: what any team's service would do.
 */
let f: FlagFixture;
let client: Client;
let baseUrl: string;
let dev: { authorization: string };

const define = async (key: string, body: Record<string, unknown>) => {
  const res = await f.app.inject({
    method: 'POST',
    url: '/flags',
    headers: dev,
    payload: { key, reason: 'test', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
};

beforeAll(async () => {
  f = await startFlags('ofrep');
  dev = await f.auth('dev-ines', ['developer']);
  baseUrl = await f.app.listen({ host: '127.0.0.1', port: 0 });
  await define('dark-mode', { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' });
  await define('greeting', {
    state: 'ENABLED',
    variants: { formal: 'Good day', casual: 'Hi' },
    defaultVariant: 'formal',
    targeting: { if: [{ starts_with: [{ var: 'locale' }, 'en-'] }, 'casual', null] },
  });
  await define('max-items', {
    state: 'ENABLED',
    variants: { small: 10, large: 50 },
    defaultVariant: 'small',
    targeting: {
      fractional: [
        ['small', 50],
        ['large', 50],
      ],
    },
  });
  await define('theme', {
    state: 'ENABLED',
    variants: { classic: { colour: 'blue' }, fresh: { colour: 'green', beta: true } },
    defaultVariant: 'classic',
    targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', '2.0.0'] }, 'fresh', null] },
  });
  await define('legacy-export', { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' });
  await f.settled(...['dark-mode', 'greeting', 'max-items', 'theme', 'legacy-export'].map(flagStream));
  const provider = new OFREPProvider({ baseUrl, headers: [['X-API-Key', TEST_API_KEY]] });
  await OpenFeature.setProviderAndWait('railyard', provider);
  client = OpenFeature.getClient('railyard');
});
afterAll(async () => {
  await OpenFeature.close();
  await f?.close();
});

describe('an OpenFeature client over OFREP', () => {
  it('reads a boolean flag with no targeting (STATIC)', async () => {
    const details = await client.getBooleanDetails('dark-mode', true, { targetingKey: 'u-1' });
    expect(details).toMatchObject({ value: false, variant: 'off', reason: 'STATIC' });
  });

  it('reads a string flag: a targeting match, and the default when nothing matches', async () => {
    expect(await client.getStringDetails('greeting', 'x', { targetingKey: 'u-1', locale: 'en-GB' })).toMatchObject({
      value: 'Hi',
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getStringDetails('greeting', 'x', { targetingKey: 'u-1', locale: 'de-DE' })).toMatchObject({
      value: 'Good day',
      reason: 'DEFAULT',
    });
  });

  it('reads a number flag from a sticky split', async () => {
    const values = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const details = await client.getNumberDetails('max-items', 0, { targetingKey: `user-${i}` });
      expect(details.reason).toBe('SPLIT');
      expect(await client.getNumberValue('max-items', 0, { targetingKey: `user-${i}` })).toBe(details.value);
      values.add(details.value);
    }
    expect(values).toEqual(new Set([10, 50]));
  });

  it('reads an object flag through sem_ver targeting', async () => {
    expect(await client.getObjectValue('theme', {}, { targetingKey: 'u', appVersion: '2.1.0' })).toEqual({
      colour: 'green',
      beta: true,
    });
    expect(await client.getObjectValue('theme', {}, { targetingKey: 'u', appVersion: '1.9.9' })).toEqual({
      colour: 'blue',
    });
  });

  it('serves a disabled flag’s default variant as DISABLED, and the code default for a missing flag', async () => {
    const disabled = await client.getBooleanDetails('legacy-export', false, { targetingKey: 'u' });
    expect(disabled).toMatchObject({ value: true, variant: 'on', reason: 'DISABLED' });
    const missing = await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'u' });
    expect(missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('sees a flag changed while it runs', async () => {
    expect(await client.getStringValue('greeting', 'x', { targetingKey: 'u', locale: 'fr-FR' })).toBe('Good day');
    const res = await f.app.inject({
      method: 'PUT',
      url: '/flags/greeting/targeting',
      headers: dev,
      payload: {
        targeting: { if: [{ starts_with: [{ var: 'locale' }, 'fr-'] }, 'casual', null] },
        reason: 'French launch',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    await expect
      .poll(() => client.getStringValue('greeting', 'x', { targetingKey: 'u', locale: 'fr-FR' }), { timeout: 5_000 })
      .toBe('Hi');
  });
});

describe('OFREP over HTTP', () => {
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    f.app.inject({
      method: 'POST',
      url,
      headers: { 'x-api-key': TEST_API_KEY, ...headers },
      payload: payload as object,
    });

  it('answers one flag with key, value, variant, reason and metadata', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/dark-mode', { context: { targetingKey: 'u' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({
      key: 'dark-mode',
      value: false,
      variant: 'off',
      reason: 'STATIC',
      metadata: { revision: 0 },
    });
  });

  it('answers every flag in bulk with an ETag, and 304 for a matching If-None-Match until a flag changes', async () => {
    const context = { targetingKey: 'u-42', locale: 'en-US' };
    const first = await post('/ofrep/v1/evaluate/flags', { context });
    expect(first.statusCode).toBe(200);
    const keys = first.json().flags.map((flag: { key: string }) => flag.key);
    expect(keys).toEqual(['dark-mode', 'greeting', 'legacy-export', 'max-items', 'theme']);
    const etag = first.headers.etag as string;
    const again = await post('/ofrep/v1/evaluate/flags', { context }, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const kill = await f.app.inject({
      method: 'POST',
      url: '/flags/dark-mode/kill',
      headers: dev,
      payload: { reason: 'incident' },
    });
    expect(kill.statusCode).toBe(200);
    await f.settled(flagStream('dark-mode'));
    const changed = await post('/ofrep/v1/evaluate/flags', { context }, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('accepts a bearer token as well as an API key, and nothing else', async () => {
    const bearer = await f.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/dark-mode',
      headers: dev,
      payload: { context: {} },
    });
    expect(bearer.statusCode).toBe(200);
    const none = await f.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/dark-mode',
      payload: { context: {} },
    });
    expect(none.statusCode).toBe(401);
  });

  const errors: [string, string, unknown, number, string][] = [
    ['no context', '/ofrep/v1/evaluate/flags/dark-mode', {}, 400, 'INVALID_CONTEXT'],
    [
      'a context that is not an object',
      '/ofrep/v1/evaluate/flags/dark-mode',
      { context: 'u-1' },
      400,
      'INVALID_CONTEXT',
    ],
    [
      'a split without a targeting key',
      '/ofrep/v1/evaluate/flags/max-items',
      { context: { plan: 'pro' } },
      400,
      'TARGETING_KEY_MISSING',
    ],
    ['an unknown flag', '/ofrep/v1/evaluate/flags/nope', { context: {} }, 404, 'FLAG_NOT_FOUND'],
    ['bulk without context', '/ofrep/v1/evaluate/flags', { ctx: {} }, 400, 'INVALID_CONTEXT'],
  ];
  it.each(errors)(
    'answers %s with the OFREP error code in a problem+json body',
    async (_name, url, payload, status, errorCode) => {
      const res = await post(url, payload);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        errorCode,
        status,
        errorDetails: expect.any(String),
        code: expect.any(String),
      });
    },
  );

  it('answers a body that is not JSON with PARSE_ERROR', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/dark-mode',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      payload: '{"context": {',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json(), res.body).toMatchObject({ key: 'dark-mode', errorCode: 'PARSE_ERROR' });
  });
});
