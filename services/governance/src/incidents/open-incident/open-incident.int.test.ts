import { ErrorCodes, IncidentOpened, incidentStream } from '@railyard/contracts';
import { event, type InjectedResponse } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';
import { NOW } from '../test-support/incident-history.js';

describe('POST /incidents', () => {
  let s: GovernanceAppFixture;
  beforeAll(async () => {
    s = await startGovernanceApp('govOpenIncident', () => NOW);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const open =
    (payload: Record<string, unknown>, options: { roles?: string[]; headers?: Record<string, string> } = {}) =>
    async () => ({
      method: 'POST' as const,
      url: '/incidents',
      headers: { ...(await s.as('sre-1', options.roles ?? ['sre'])), ...options.headers },
      payload,
    });
  const body = { title: 'checkout 5xx after 2.0.0', severity: 'SEV2', service: 'checkout' };
  const idOf = (res: InjectedResponse) => res.json().incidentId as string;
  const opened = (res: InjectedResponse, environment: string | null) =>
    event(IncidentOpened, {
      incidentId: idOf(res),
      ...body,
      environment,
      source: { kind: 'manual' },
      suspectedDeploymentId: null,
      openedAt: NOW.toISOString(),
      openedBy: 'sre-1',
    });

  it('opens an incident by hand: IncidentOpened in a new incident stream, its view and where it lives', async () => {
    const { response } = await s
      .spec()
      .when(open({ ...body, environment: 'checkout-prod' }))
      .then({
        status: 201,
        body: {
          ...body,
          environment: 'checkout-prod',
          causeClass: 'unknown',
          cause: null,
          status: 'open',
          openedAt: NOW.toISOString(),
          resolvedAt: null,
          source: { kind: 'manual' },
          links: [],
          revision: 0,
        },
        events: (res) => ({ [incidentStream(idOf(res))]: [opened(res, 'checkout-prod')] }),
      });
    expect(response.headers.location).toBe(`/incidents/${idOf(response)}`);
    expect(response.headers.etag).toBe('"0"');
  });

  it('opens one without an environment (null), as an incident of the service as a whole', async () => {
    await s
      .spec()
      .when(open(body))
      .then({
        status: 201,
        body: { environment: null },
        events: (res) => ({ [incidentStream(idOf(res))]: [opened(res, null)] }),
      });
  });

  it('answers a retry with the same Idempotency-Key with the same incident, opening no second one', async () => {
    const key = { 'idempotency-key': `open-${crypto.randomUUID()}` };
    const first = await s.app.inject(await open(body, { headers: key })());
    expect(first.statusCode).toBe(201);
    await s
      .spec()
      .given(incidentStream(idOf(first)))
      .when(open(body, { headers: key }))
      .then({ status: 201, body: { incidentId: idOf(first), revision: 0 } });
  });

  it('422 RAILYARD_IDEMPOTENCY_KEY_REUSED for the same key on a different incident', async () => {
    const key = { 'idempotency-key': `open-${crypto.randomUUID()}` };
    const first = await s.app.inject(await open(body, { headers: key })());
    expect(first.statusCode).toBe(201);
    await s
      .spec()
      .given(incidentStream(idOf(first)))
      .when(open({ ...body, severity: 'SEV1' }, { headers: key }))
      .then({ status: 422, code: ErrorCodes.IDEMPOTENCY_KEY_REUSED });
  });

  it('400 RAILYARD_REQUEST_INVALID for a severity outside SEV1–SEV5, an empty title or a bad service name', async () => {
    for (const bad of [
      { ...body, severity: 'SEV0' },
      { ...body, title: '   ' },
      { ...body, service: 'Checkout API' },
      { ...body, source: { kind: 'anomaly' } },
    ]) {
      await s.spec().when(open(bad)).then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    await s
      .spec()
      .when(open(body, { roles: ['developer'] }))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
