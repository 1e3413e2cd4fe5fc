import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ErrorCodes,
  JourneyDefined,
  JourneyRunCompleted,
  JourneyStepChecked,
  journeyRunStream,
  journeyStream,
  MonitoringErrorCodes,
} from '@railyard/contracts';
import { event, type InjectedResponse } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitoringSpecFixture, sre, startMonitoringSpecs } from '../../test-support/monitoring-spec.js';

// The journeys run against a tiny shop on loopback: /health answers 200 {"status":"ok"}, anything else 500.
describe('POST /journeys/:name/runs', () => {
  let s: MonitoringSpecFixture;
  let shop: Server;
  let base: string;
  beforeAll(async () => {
    shop = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ status: 'ok' }));
      }
      res.writeHead(500).end('boom');
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    s = await startMonitoringSpecs('monRunJourney');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    shop?.closeAllConnections();
    await new Promise((resolve) => shop?.close(resolve));
  });
  const fresh = () => `shop_${crypto.randomUUID().slice(0, 8)}`;
  const run = (name: string, payload: unknown = {}) => s.request('POST', `/journeys/${name}/runs`, sre, payload);
  const step = (name: string, path: string) => ({
    name,
    request: { method: 'GET', url: `{{base}}${path}`, headers: {} },
    extract: [],
    assert: [{ kind: 'status', equals: 200 }],
    timeoutMs: 5_000,
    continueOnFailure: false,
  });
  const defined = (name: string, steps: object[]) =>
    event(JourneyDefined, {
      name,
      definition: { service: 'shop', environment: 'prod', variables: { base }, everySeconds: null, steps },
      definedBy: 'sre-ben',
    });
  const runIdOf = (response: InjectedResponse) => response.json().runId as string;
  const checked = (runId: string, journey: string, index: number, data: object) =>
    event(JourneyStepChecked, { runId, journey, index, extracted: [], ...data });

  it('runs every step and records each, then the run: JourneyStepChecked…, JourneyRunCompleted (passed)', async () => {
    const name = fresh();
    const deploymentId = crypto.randomUUID();
    await s
      .spec()
      .given(journeyStream(name), defined(name, [step('health', '/health')]))
      .when(run(name, { deploymentId }))
      .then({
        status: 201,
        body: {
          journey: name,
          outcome: 'passed',
          passed: 1,
          failed: 0,
          skipped: 0,
          trigger: 'deployment',
          deploymentId,
        },
        events: (response) => {
          const runId = runIdOf(response);
          return {
            [journeyRunStream(runId)]: [
              checked(runId, name, 0, {
                step: 'health',
                outcome: 'passed',
                status: 200,
                latencyMs: expect.any(Number),
                assertions: [{ assertion: 'status = 200', passed: true, actual: '200' }],
                message: 'passed',
              }),
              event(JourneyRunCompleted, {
                runId,
                journey: name,
                service: 'shop',
                outcome: 'passed',
                passed: 1,
                failed: 0,
                skipped: 0,
                trigger: 'deployment',
                deploymentId,
              }),
            ],
          };
        },
      });
  });

  it('a failed step stops the journey, the rest skipped: JourneyRunCompleted (failed), by hand', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name), defined(name, [step('checkout', '/checkout'), step('health', '/health')]))
      .when(run(name))
      .then({
        status: 201,
        events: (response) => {
          const runId = runIdOf(response);
          return {
            [journeyRunStream(runId)]: [
              checked(runId, name, 0, {
                step: 'checkout',
                outcome: 'failed',
                status: 500,
                latencyMs: expect.any(Number),
                assertions: [{ assertion: 'status = 200', passed: false, actual: '500' }],
                message: '1 assertion(s) failed',
              }),
              checked(runId, name, 1, {
                step: 'health',
                outcome: 'skipped',
                status: null,
                latencyMs: null,
                assertions: [],
                message: 'an earlier step failed',
              }),
              event(JourneyRunCompleted, {
                runId,
                journey: name,
                service: 'shop',
                outcome: 'failed',
                passed: 0,
                failed: 1,
                skipped: 1,
                trigger: 'manual',
                deploymentId: null,
              }),
            ],
          };
        },
      });
  });

  it('404 MONITORING_JOURNEY_NOT_FOUND for a journey never defined', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name))
      .when(run(name))
      .then({ status: 404, code: MonitoringErrorCodes.JOURNEY_NOT_FOUND });
  });

  it('400 for a deployment id that is not a UUID', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name), defined(name, [step('health', '/health')]))
      .when(run(name, { deploymentId: 'deploy-42' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
