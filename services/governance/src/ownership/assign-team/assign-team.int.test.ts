import { ErrorCodes, ServiceTeamAssigned, serviceOwnershipStream } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceAppFixture, startGovernanceApp } from '../../test-support/governance-app.js';

const NOW = new Date('2026-11-02T09:00:00.000Z');
let n = 0;
const fresh = () => `svc-${++n}-${crypto.randomUUID().slice(0, 8)}`;
const assigned = (service: string, team: string, assignedBy = 'rm-1') =>
  event(ServiceTeamAssigned, { service, team, assignedBy });

describe('PUT /services/:service/team', () => {
  let s: GovernanceAppFixture;
  beforeAll(async () => {
    s = await startGovernanceApp('govAssignTeam', () => NOW);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const assign =
    (service: string, payload: unknown, roles: string[] = ['release-manager']) =>
    async () => ({
      method: 'PUT' as const,
      url: `/services/${service}/team`,
      headers: await s.as('rm-1', roles),
      payload,
    });

  it('assigns the team that owns a service', async () => {
    const service = fresh();
    const { response } = await s
      .spec()
      .given(serviceOwnershipStream(service))
      .when(assign(service, { team: 'payments' }))
      .then({
        status: 200,
        body: { service, team: 'payments' },
        events: { [serviceOwnershipStream(service)]: [assigned(service, 'payments')] },
      });
    expect(response.headers.etag).toBe('"0"');
  });

  it('moves a service to another team (the latest assignment applies)', async () => {
    const service = fresh();
    await s
      .spec()
      .given(serviceOwnershipStream(service), assigned(service, 'payments', 'admin-1'))
      .when(assign(service, { team: 'checkout-core' }))
      .then({
        status: 200,
        body: { service, team: 'checkout-core' },
        events: { [serviceOwnershipStream(service)]: [assigned(service, 'checkout-core')] },
      });
  });

  it('records nothing when the service already belongs to that team', async () => {
    const service = fresh();
    await s
      .spec()
      .given(serviceOwnershipStream(service), assigned(service, 'payments', 'admin-1'))
      .when(assign(service, { team: 'payments' }))
      .then({ status: 200, body: { service, team: 'payments' } });
  });

  it('400 RAILYARD_REQUEST_INVALID for a team that is no lowercase name, no team, a bad service name', async () => {
    const service = fresh();
    for (const [target, bad] of [
      [service, { team: 'Payments Team' }],
      [service, {}],
      ['Checkout_API', { team: 'payments' }],
    ] as const) {
      await s
        .spec()
        .given(serviceOwnershipStream(service))
        .when(assign(target, bad))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    }
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for an SRE', async () => {
    const service = fresh();
    await s
      .spec()
      .given(serviceOwnershipStream(service))
      .when(assign(service, { team: 'payments' }, ['sre']))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
