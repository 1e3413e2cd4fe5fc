import { randomUUID } from 'node:crypto';
import { OrchestrationErrorCodes as Codes, serviceSchemaStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { lead, ordersAndWeb, type PlanSpecFixture, startPlanSpecs } from '../test-support/plan-spec.js';

// A query, not a command: the compensation POST /plans/:id/rollback would record, derived and recorded nowhere.
describe('GET /plans/:id/rollback-plan', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('rollbackPlanView');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('flags to kill first, then the deployment back to its target and its migration down; appends nothing', async () => {
    const service = `orders-${randomUUID().slice(0, 8)}`;
    const p = s.plan({ services: ordersAndWeb(service, 'web') });
    const deploymentId = randomUUID();
    await s
      .given(
        p,
        p.created(),
        p.flags([{ key: 'beta-ui', enableAfterWave: null, killOnRollback: true }]),
        p.promoted(),
        p.waveStarted(0),
        p.joined({ deploymentId, service, environment: 'staging', version: '2.1.0', stage: 0 }),
        p.progressed(deploymentId, 'succeeded'),
      )
      .given(
        serviceSchemaStream(service),
        p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }),
        p.migrationRun({ service, migrationId: 'add-currency', environment: 'staging' }),
      )
      .when(async () => ({
        method: 'GET',
        url: `/plans/${p.planId}/rollback-plan`,
        headers: await s.f.auth(lead.id, lead.roles),
      }))
      .then({
        status: 200,
        body: {
          planId: p.planId,
          status: 'running',
          refusals: 0,
          steps: [
            { kind: 'kill-flag', key: 'beta-ui' },
            {
              kind: 'rollback-deployment',
              stage: 0,
              service,
              environment: 'staging',
              deploymentId,
              from: '2.1.0',
              to: '2.0.0',
            },
            {
              kind: 'down-migration',
              stage: 0,
              service,
              environment: 'staging',
              migrationId: 'add-currency',
              down: '-- undo add-currency',
            },
          ],
        },
      });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    await s
      .spec()
      .when(s.request('GET', `/plans/${randomUUID()}/rollback-plan`, lead))
      .then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });
});
