import { ErrorCodes, JourneyDefined, journeyStream, MonitoringErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  developer,
  type MonitoringSpecFixture,
  sre,
  startMonitoringSpecs,
} from '../../test-support/monitoring-spec.js';

describe('PUT /journeys/:name', () => {
  let s: MonitoringSpecFixture;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monDefineJourney');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const fresh = () => `checkout_${crypto.randomUUID().slice(0, 8)}`;
  const define = (name: string, payload: unknown, actor = sre) => s.request('PUT', `/journeys/${name}`, actor, payload);
  const login = {
    name: 'log in',
    request: { method: 'POST', url: '{{base}}/login', body: { user: 'ana' } },
    extract: [{ var: 'token', from: 'body', path: '$.token' }],
    assert: [{ kind: 'status', equals: 200 }],
  };
  const orders = {
    name: 'list orders',
    request: { url: '{{base}}/orders', headers: { authorization: 'Bearer {{token}}' } },
  };
  /** The definition as recorded: the contract's defaults filled in. */
  const recorded = {
    service: 'checkout',
    environment: null,
    variables: { base: 'http://shop.internal' },
    everySeconds: null,
    steps: [
      {
        ...login,
        timeoutMs: 10_000,
        continueOnFailure: false,
        request: { ...login.request, headers: {} },
      },
      {
        ...orders,
        request: { method: 'GET', ...orders.request },
        extract: [],
        assert: [],
        timeoutMs: 10_000,
        continueOnFailure: false,
      },
    ],
  };

  it('defines a journey whose steps use only variables known by then: JourneyDefined, defaults filled in', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name))
      .when(define(name, { service: 'checkout', variables: { base: 'http://shop.internal' }, steps: [login, orders] }))
      .then({
        status: 200,
        body: { name, steps: 2 },
        events: {
          [journeyStream(name)]: [event(JourneyDefined, { name, definition: recorded, definedBy: 'sre-oli' })],
        },
      });
  });

  it('defining it again replaces it: another JourneyDefined', async () => {
    const name = fresh();
    const replaced = { ...recorded, everySeconds: 60, steps: [recorded.steps[0]] };
    await s
      .spec()
      .given(journeyStream(name), event(JourneyDefined, { name, definition: recorded, definedBy: 'sre-ben' }))
      .when(
        define(name, {
          service: 'checkout',
          variables: { base: 'http://shop.internal' },
          everySeconds: 60,
          steps: [login],
        }),
      )
      .then({
        status: 200,
        body: { name, steps: 1 },
        events: {
          [journeyStream(name)]: [event(JourneyDefined, { name, definition: replaced, definedBy: 'sre-oli' })],
        },
      });
  });

  it('422 MONITORING_JOURNEY_VARIABLE_UNKNOWN for a step using a variable nothing defines by then', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name))
      .when(define(name, { service: 'checkout', variables: { base: 'http://shop.internal' }, steps: [orders, login] }))
      .then({
        status: 422,
        code: MonitoringErrorCodes.JOURNEY_VARIABLE_UNKNOWN,
        body: { step: 0, variable: 'token' },
      });
  });

  it('400 for a journey without steps', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name))
      .when(define(name, { service: 'checkout', steps: [] }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });

  it('403 for a developer', async () => {
    const name = fresh();
    await s
      .spec()
      .given(journeyStream(name))
      .when(define(name, { service: 'checkout', steps: [orders] }, developer))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
