import { describe, expect, it } from 'vitest';
import { bearer, captureLogger, testApp } from './test-support/test-app.js';

describe('logging', () => {
  it('redacts the Authorization header, API keys and cookies from request logs', async () => {
    const { logger, lines } = captureLogger();
    const app = await testApp({ logger });
    const token = await bearer(['developer']);
    const res = await app.inject({
      method: 'GET',
      url: '/whoami',
      headers: { authorization: token, cookie: 'session=abc123', 'x-api-key': 'ry_key_42', 'x-other': 'visible' },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    const line = lines.find((l) => l.msg === 'whoami') as { headers: Record<string, string>; level: string };
    expect(line.level).toBe('info');
    expect(line.headers.authorization).toBe('[REDACTED]');
    expect(line.headers.cookie).toBe('[REDACTED]');
    expect(line.headers['x-api-key']).toBe('[REDACTED]');
    expect(line.headers['x-other']).toBe('visible');
    expect(JSON.stringify(lines)).not.toContain(token.slice(7));
    expect(JSON.stringify(lines)).not.toContain('abc123');
  });

  it('redacts secret-named fields at any of the first levels', () => {
    const { logger, lines } = captureLogger();
    logger.info({ password: 'p1', user: { secret: 's2', profile: { token: 't3', apiKey: 'k4' } }, name: 'ok' }, 'x');
    const text = JSON.stringify(lines);
    for (const leaked of ['p1', 's2', 't3', 'k4']) expect(text).not.toContain(`"${leaked}"`);
    expect(lines[0]).toMatchObject({ name: 'ok', password: '[REDACTED]' });
  });

  it('writes one access line per request at info, or at debug for a route configured accessLog: debug', async () => {
    const { logger, lines } = captureLogger('debug');
    const app = await testApp({ logger }, (app) => {
      app.get('/quiet', { config: { accessLog: 'debug' } }, async () => ({ ok: true }));
    });
    const token = await bearer(['developer']);
    expect((await app.inject({ method: 'GET', url: '/whoami', headers: { authorization: token } })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ method: 'GET', url: '/quiet', headers: { authorization: token } })).statusCode).toBe(
      200,
    );
    await app.close();
    const access = lines.filter((l) => l.msg === 'request completed') as { route: string; level: string }[];
    expect(access.map((l) => [l.route, l.level])).toEqual([
      ['/whoami', 'info'],
      ['/quiet', 'debug'],
    ]);
  });
});
