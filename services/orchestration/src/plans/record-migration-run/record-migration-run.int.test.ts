import { randomUUID } from 'node:crypto';
import {
  type Actor,
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  MigrationRunRecorded,
  serviceSchemaStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ordersAndWeb, type PlanHistory, type PlanSpecFixture, startPlanSpecs } from '../test-support/plan-spec.js';

const executor: Actor = { id: 'migrator', kind: 'user', roles: ['deployer'] };

describe('POST /plans/:id/migrations/:migrationId/runs', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('migrationRun');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  /** A plan of a provider with a schema of its own (a fresh service name: schema streams are per service). */
  const fresh = () => {
    const service = `orders-${randomUUID().slice(0, 8)}`;
    const p = s.plan({ services: ordersAndWeb(service, 'web') });
    return { p, service, schema: serviceSchemaStream(service) };
  };
  const run = (p: PlanHistory, migrationId: string, body: object) =>
    s.request('POST', `/plans/${p.planId}/migrations/${migrationId}/runs`, executor, body);
  const recorded = (p: PlanHistory, service: string, data: Record<string, unknown>) =>
    event(MigrationRunRecorded, {
      service,
      planId: p.planId,
      direction: 'up',
      outcome: 'succeeded',
      executor: 'migration-job',
      detail: '',
      ...data,
    });
  /** The service runs `version` in both environments of the default plan (deployments the projection learns). */
  const runs = async (service: string, version: string) => {
    for (const environment of ['staging', 'prod']) {
      const { deploymentId } = await s.d.request(s.f.runtime.plans.waveGate, {
        releaseId: randomUUID(),
        service,
        environment,
        version,
      });
      await s.d.succeed(deploymentId);
    }
    await s.f.settle();
  };

  it('an expand ran up in staging', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', { environment: 'staging', outcome: 'succeeded', executor: 'migration-job' }))
      .then({
        status: 201,
        body: { planId: p.planId },
        events: { [schema]: [recorded(p, service, { migrationId: 'add-currency', environment: 'staging' })] },
      });
  });

  it('a failed run is recorded with its detail', async () => {
    const { p, service, schema } = fresh();
    const body = { environment: 'prod', outcome: 'failed', executor: 'migration-job', detail: 'lock timeout' };
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', body))
      .then({ status: 201, events: { [schema]: [recorded(p, service, { migrationId: 'add-currency', ...body })] } });
  });

  it('an applied migration runs down', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(
        schema,
        p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }),
        p.migrationRun({ service, migrationId: 'add-currency', environment: 'staging' }),
      )
      .when(
        run(p, 'add-currency', {
          environment: 'staging',
          direction: 'down',
          outcome: 'succeeded',
          executor: 'migration-job',
        }),
      )
      .then({
        status: 201,
        events: {
          [schema]: [recorded(p, service, { migrationId: 'add-currency', environment: 'staging', direction: 'down' })],
        },
      });
  });

  it('a contract runs once every consumer runs a compatible version in every environment of the plan', async () => {
    const { p, service, schema } = fresh();
    await runs(service, '2.1.0');
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'drop-cents', sequence: 1, kind: 'contract' }))
      .when(run(p, 'drop-cents', { environment: 'staging', outcome: 'succeeded', executor: 'migration-job' }))
      .then({
        status: 201,
        events: { [schema]: [recorded(p, service, { migrationId: 'drop-cents', environment: 'staging' })] },
      });
  });

  it('409 ORCHESTRATION_MIGRATION_CONSUMERS_NOT_READY: a contract before its consumers run a compatible version', async () => {
    const { p, service, schema } = fresh();
    await runs(service, '2.0.0');
    await s
      .given(p, p.created())
      .given(
        schema,
        p.migration({ service, migrationId: 'drop-cents', sequence: 1, kind: 'contract', consumers: [service, 'web'] }),
      )
      .when(run(p, 'drop-cents', { environment: 'staging', outcome: 'succeeded', executor: 'migration-job' }))
      .then({
        status: 409,
        code: Codes.MIGRATION_CONSUMERS_NOT_READY,
        body: {
          migrationId: 'drop-cents',
          laggards: [
            { service, environment: 'staging', version: '2.0.0' },
            { service: 'web', environment: 'staging', version: null },
            { service, environment: 'prod', version: '2.0.0' },
            { service: 'web', environment: 'prod', version: null },
          ],
        },
      });
  });

  it('409 ORCHESTRATION_MIGRATION_INVALID running down a migration not applied there', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', { environment: 'prod', direction: 'down', outcome: 'succeeded', executor: 'job' }))
      .then({ status: 409, code: Codes.MIGRATION_INVALID });
  });

  it('409 ORCHESTRATION_MIGRATION_INVALID running down an irreversible migration', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(
        schema,
        p.migration({ service, migrationId: 'squash', sequence: 1, kind: 'migrate', irreversible: true }),
        p.migrationRun({ service, migrationId: 'squash', environment: 'staging' }),
      )
      .when(run(p, 'squash', { environment: 'staging', direction: 'down', outcome: 'succeeded', executor: 'job' }))
      .then({ status: 409, code: Codes.MIGRATION_INVALID, body: { migrationId: 'squash' } });
  });

  it('404 ORCHESTRATION_MIGRATION_NOT_FOUND for a migration this plan did not stage', async () => {
    const { p, service, schema } = fresh();
    const other = s.plan({ services: ordersAndWeb(service, 'web') });
    await s
      .given(p, p.created())
      .given(other.stream, other.created())
      .given(schema, other.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', { environment: 'staging', outcome: 'succeeded', executor: 'job' }))
      .then({ status: 404, code: Codes.MIGRATION_NOT_FOUND });
  });

  it('422 ORCHESTRATION_PLAN_ENVIRONMENT_UNKNOWN for an environment the plan does not deploy to', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', { environment: 'qa', outcome: 'succeeded', executor: 'job' }))
      .then({ status: 422, code: Codes.PLAN_ENVIRONMENT_UNKNOWN });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    await s
      .spec()
      .when(run(s.plan(), 'add-currency', { environment: 'staging', outcome: 'succeeded', executor: 'job' }))
      .then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 without an executor', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: 'add-currency', sequence: 1, kind: 'expand' }))
      .when(run(p, 'add-currency', { environment: 'staging', outcome: 'succeeded' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
