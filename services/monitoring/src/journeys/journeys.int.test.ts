import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deploymentStream, journeyRunStream, journeyStream, MonitoringErrorCodes } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentSubject } from '../test-support/deployment-history.js';
import { type MonitoringFixture, startMonitoring } from '../test-support/monitoring-fixture.js';

// M1: journeys run against a small shop on loopback: log in, carry the token and the user id into the next request.
let shop: Server;
let base: string;
let f: MonitoringFixture;
let sre: { authorization: string };

beforeAll(async () => {
  shop = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    if (req.method === 'POST' && url.pathname === '/login') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
      return void res.end(JSON.stringify({ token: 't-123', user: { id: 7, name: 'Ana' } }));
    }
    if (url.pathname === '/orders') {
      if (req.headers.authorization !== 'Bearer t-123' || url.searchParams.get('user') !== '7') {
        return void res.writeHead(401).end('no');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify([{ id: 1, status: 'paid' }]));
    }
    if (url.pathname === '/slow') {
      // Answers later than the step's timeout; the test waits on the journey's answer, not on a clock.
      const timer = setTimeout(() => res.writeHead(200).end('late'), 2000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    res.writeHead(500).end('boom');
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  f = await startMonitoring('journeys', { bus: true });
  sre = await f.auth('sre-oli', ['sre']);
});
afterAll(async () => {
  await f?.close();
  shop.closeAllConnections();
  await new Promise((resolve) => shop.close(resolve));
});

const define = (name: string, definition: object) =>
  f.app.inject({ method: 'PUT', url: `/journeys/${name}`, headers: sre, payload: definition });
const run = (name: string) =>
  f.app.inject({ method: 'POST', url: `/journeys/${name}/runs`, headers: sre, payload: {} });

describe('synthetic journeys', () => {
  it('passes variables extracted from a JSON body and a header to the next step, and records each step', async () => {
    const res = await define('checkout_orders', {
      service: 'checkout',
      variables: { base },
      steps: [
        {
          name: 'log in',
          request: { method: 'POST', url: '{{base}}/login', body: { user: 'ana' } },
          extract: [
            { var: 'token', from: 'body', path: '$.token' },
            { var: 'userId', from: 'body', path: '$.user.id' },
            { var: 'requestId', from: 'header', path: 'X-Request-Id' },
          ],
          assert: [
            { kind: 'status', equals: 200 },
            { kind: 'header', name: 'content-type', contains: 'json' },
            { kind: 'json', path: '$.user.name', equals: 'Ana' },
          ],
        },
        {
          name: 'list orders',
          request: { url: '{{base}}/orders?user={{userId}}', headers: { authorization: 'Bearer {{token}}' } },
          assert: [
            { kind: 'status', equals: 200 },
            { kind: 'json', path: '$[0].status', equals: 'paid' },
            { kind: 'text', contains: '"id":1' },
            { kind: 'latency', maxMs: 60_000 },
          ],
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const result = await run('checkout_orders');
    expect(result.statusCode, result.body).toBe(201);
    const body = result.json();
    expect(body).toMatchObject({ outcome: 'passed', passed: 2, failed: 0, skipped: 0, trigger: 'manual' });
    expect(body.steps[0]).toMatchObject({
      outcome: 'passed',
      status: 200,
      extracted: ['token', 'userId', 'requestId'],
    });
    expect(body.steps[1].assertions.every((a: { passed: boolean }) => a.passed)).toBe(true);
    const events = await f.eventsOf(journeyRunStream(body.runId));
    expect(events.map((e) => e.type)).toEqual(['JourneyStepChecked', 'JourneyStepChecked', 'JourneyRunCompleted']);
    // Variable values (a token) are not kept in events; their names are.
    expect(JSON.stringify(events)).not.toContain('t-123');
  });

  it('continues past a failing step that allows it, stops at one that does not, and times out slow steps', async () => {
    await define('flaky', {
      service: 'checkout',
      variables: { base },
      steps: [
        {
          name: 'broken',
          request: { url: '{{base}}/broken' },
          assert: [{ kind: 'status', equals: 200 }],
          continueOnFailure: true,
        },
        { name: 'slow', request: { url: '{{base}}/slow' }, timeoutMs: 100 },
        { name: 'never', request: { url: '{{base}}/orders' } },
      ],
    });
    const body = (await run('flaky')).json();
    expect(body).toMatchObject({ outcome: 'failed', passed: 0, failed: 2, skipped: 1 });
    expect(body.steps.map((s: { outcome: string }) => s.outcome)).toEqual(['failed', 'error', 'skipped']);
    expect(body.steps[0].assertions[0]).toEqual({ assertion: 'status = 200', passed: false, actual: '500' });
    expect(body.steps[1].message).toBe('no answer within 100 ms');
  });

  it("runs the journeys covering a service after each of its deployment's succeeded steps", async () => {
    await define('after_deploy', {
      service: 'ledger',
      environment: 'prod',
      variables: { base },
      steps: [
        {
          name: 'log in',
          request: { method: 'POST', url: '{{base}}/login' },
          assert: [{ kind: 'status', equals: 200 }],
        },
      ],
    });
    const d = deploymentSubject({ service: 'ledger', version: '3.0.0' });
    await f.appendAs('orchestration', deploymentStream(d.deploymentId), [
      {
        type: 'DeploymentStepCompleted',
        data: {
          deploymentId: d.deploymentId,
          service: 'ledger',
          environment: 'prod',
          step: { step: 0, action: 'set-weight', weight: 10 },
          outcome: 'succeeded',
          callbackId: 'cb-1',
          live: { version: '3.0.0', weight: 10 },
          detail: 'weight 10',
        },
      },
    ]);
    const completed = await waitFor('the journey run after the step', async () =>
      (await f.store.readAll({ filter: { categories: ['journeyRun'], eventTypes: ['JourneyRunCompleted'] } })).find(
        (e) => e.data.deploymentId === d.deploymentId,
      ),
    );
    expect(completed.data).toMatchObject({
      journey: 'after_deploy',
      trigger: 'deployment',
      outcome: 'passed',
      passed: 1,
    });
  });

  it('runs journeys that have a schedule on it, and only those', async () => {
    await define('every_minute', {
      service: 'checkout',
      variables: { base },
      everySeconds: 60,
      steps: [
        {
          name: 'log in',
          request: { method: 'POST', url: '{{base}}/login' },
          assert: [{ kind: 'status', equals: 200 }],
        },
      ],
    });
    const scheduled = () =>
      f.store
        .readAll({ filter: { categories: ['journeyRun'], eventTypes: ['JourneyRunCompleted'] } })
        .then((all) => all.filter((e) => e.data.trigger === 'schedule'));
    await waitFor('the scheduled run', async () => {
      await f.runtime.journeys.tick();
      return (await scheduled()).length > 0;
    });
    // Its period has not passed: the next pass runs nothing.
    expect(await f.runtime.journeys.tick()).toBe(0);
    expect((await scheduled()).map((e) => [e.data.journey, e.data.outcome])).toEqual([['every_minute', 'passed']]);
  });

  it('refuses a journey whose step uses an unknown variable with problem+json, recording nothing', async () => {
    const res = await define('bad', {
      service: 'checkout',
      variables: { base },
      steps: [
        {
          name: 'uses token first',
          request: { url: '{{base}}/orders', headers: { authorization: 'Bearer {{token}}' } },
        },
        {
          name: 'log in',
          request: { method: 'POST', url: '{{base}}/login' },
          extract: [{ var: 'token', from: 'body', path: '$.token' }],
        },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(MonitoringErrorCodes.JOURNEY_VARIABLE_UNKNOWN);
    expect(await f.eventsOf(journeyStream('bad'))).toEqual([]);
    const unknown = await run('nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe(MonitoringErrorCodes.JOURNEY_NOT_FOUND);
  });
});
