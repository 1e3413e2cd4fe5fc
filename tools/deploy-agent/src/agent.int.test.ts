import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@railyard/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepCallback } from './protocol.js';
import { createDeployAgent, type DeployAgent } from './server.js';

const requestSecret = `whsec_${Buffer.from('agent-test-request-secret').toString('base64')}`;
const callbackSecret = `whsec_${Buffer.from('agent-test-callback-secret').toString('base64')}`;
const sha = 'a'.repeat(64);

// A callback receiver on loopback standing in for orchestration: it verifies what the agent signs.
let receiver: Server;
let callbackUrl: string;
const received: { id: string; body: StepCallback }[] = [];
let agent: DeployAgent;
let base: string;

beforeAll(async () => {
  const verify = new Webhook(callbackSecret);
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      verify.verify(raw, req.headers as Record<string, string>);
      received.push({ id: String(req.headers['webhook-id']), body: StepCallback.parse(JSON.parse(raw)) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks`;
  agent = createDeployAgent({ requestSecret, callbackSecret, callbackRetryMs: [50] });
  base = await agent.listen();
});
afterAll(async () => {
  await agent.close();
  await new Promise((r) => receiver.close(r));
});

const signer = new Webhook(requestSecret);
function send(id: string, body: object, secret = signer, at = new Date()) {
  const payload = JSON.stringify(body);
  return fetch(`${base}/steps`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': secret.sign(id, at, payload),
    },
    body: payload,
  });
}
const step = (id: string, action: string, extra: object = {}) => ({
  deploymentId: id,
  service: 'checkout',
  environment: 'prod',
  artifact: { name: 'checkout', version: '2.0.0', sha256: sha },
  rollbackTo: { name: 'checkout', version: '1.0.0', sha256: sha },
  step: { step: 0, action, ...extra },
  callbackUrl,
});
const callbackOf = (requestId: string) =>
  waitFor(`the callback of ${requestId}`, () => received.find((r) => r.body.requestId === requestId), {
    timeoutMs: 5000,
  });

describe('the reference deploy agent', () => {
  it('applies a signed step and calls back, signed, with what is live', async () => {
    await fetch(`${base}/control/live/checkout/prod`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ live: [{ version: '1.0.0', weight: 100 }] }),
    });
    const res = await send('req-1', step('d1', 'set-weight', { weight: 20 }));
    expect(res.status).toBe(202);
    const cb = await callbackOf('req-1');
    expect(cb).toMatchObject({
      id: 'req-1.callback',
      body: { outcome: 'succeeded', live: { version: '2.0.0', weight: 20 } },
    });
    const live = (await (await fetch(`${base}/live/checkout/prod`)).json()) as { live: unknown };
    expect(live.live).toEqual([
      { version: '2.0.0', weight: 20 },
      { version: '1.0.0', weight: 80 },
    ]);
  });

  it('refuses a forged or stale request with 401 and changes nothing', async () => {
    const forged = await send('req-2', step('d1', 'set-weight', { weight: 100 }), new Webhook(callbackSecret));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const stale = await send(
      'req-3',
      step('d1', 'set-weight', { weight: 100 }),
      signer,
      new Date(Date.now() - 600_000),
    );
    expect(stale.status).toBe(401);
    expect(agent.fleet.weightOf('checkout', 'prod', '2.0.0')).toBe(20);
  });

  it('does not apply a replayed request twice, and sends the same callback id again', async () => {
    await send('req-4', step('d1', 'roll-batch', { batchPercent: 30 }));
    await callbackOf('req-4');
    const again = await send('req-4', step('d1', 'roll-batch', { batchPercent: 30 }));
    expect(await again.json()).toMatchObject({ replayed: true });
    await waitFor('the callback sent again', () =>
      received.filter((r) => r.id === 'req-4.callback').length === 2 ? true : undefined,
    );
    expect(agent.fleet.weightOf('checkout', 'prod', '2.0.0')).toBe(50);
  });

  it('fails a step when told to, then rolls back to the target', async () => {
    await fetch(`${base}/control/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'checkout', environment: 'prod', action: 'set-weight', detail: 'pods crash' }),
    });
    await send('req-5', step('d1', 'set-weight', { weight: 100 }));
    expect((await callbackOf('req-5')).body).toMatchObject({ outcome: 'failed', detail: 'pods crash' });
    await send('req-6', step('d1', 'rollback'));
    expect((await callbackOf('req-6')).body).toMatchObject({ outcome: 'succeeded', live: { weight: 0 } });
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);
  });

  it('serves Prometheus metrics per version, with the error rate it was given', async () => {
    await fetch(`${base}/control/metrics/checkout/prod/1.0.0`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.1, requestsPerScrape: 100 }),
    });
    const res = await fetch(`${base}/metrics/checkout/prod/1.0.0`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    // The names and labels monitoring's default PromQL templates query.
    expect(text).toContain('http_requests_total{code="200",service="checkout",environment="prod",version="1.0.0"} 90');
    expect(text).toContain('http_requests_total{code="500",service="checkout",environment="prod",version="1.0.0"} 10');
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.05",service="checkout"');
    expect(text).toContain('active_sessions{service="checkout",environment="prod",version="1.0.0"} 50');
    expect(text).not.toContain('http_request_errors_total');
    // A version with no traffic serves nothing.
    const idle = await (await fetch(`${base}/metrics/checkout/prod/2.0.0`)).text();
    expect(idle).toContain('http_requests_total{code="200",service="checkout",environment="prod",version="2.0.0"} 0');
    expect(idle).toContain('active_sessions{service="checkout",environment="prod",version="2.0.0"} 0');
  });
});
