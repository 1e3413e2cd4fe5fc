import { randomUUID } from 'node:crypto';
import {
  type Actor,
  OrchestrationErrorCodes as Codes,
  ErrorCodes,
  MigrationRegistered,
  serviceSchemaStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ordersAndWeb, type PlanHistory, type PlanSpecFixture, startPlanSpecs } from '../test-support/plan-spec.js';

const developer: Actor = { id: 'dev-ines', kind: 'user', roles: ['developer'] };

describe('POST /plans/:id/migrations', () => {
  let s: PlanSpecFixture;
  beforeAll(async () => {
    s = await startPlanSpecs('registerMigration');
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
  const register = (p: PlanHistory, body: object, actor = developer) =>
    s.request('POST', `/plans/${p.planId}/migrations`, actor, body);
  const expand = (service: string) => ({
    service,
    migrationId: '0007-add-currency',
    sequence: 7,
    kind: 'expand',
    compatibleWith: '>=2.0.0',
    down: 'ALTER TABLE orders DROP COLUMN currency',
  });

  it('stages an expand migration of a plan service, its consumers defaulting to the service', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema)
      .when(register(p, expand(service)))
      .then({
        status: 201,
        body: { planId: p.planId },
        events: {
          [schema]: [
            event(MigrationRegistered, {
              ...expand(service),
              planId: p.planId,
              consumers: [service],
              irreversible: false,
              by: developer.id,
            }),
          ],
        },
      });
  });

  it('stages an irreversible contract after the schema’s last migration, naming its consumers', async () => {
    const { p, service, schema } = fresh();
    const body = {
      service,
      migrationId: '0008-drop-amount-cents',
      sequence: 8,
      kind: 'contract',
      compatibleWith: '^2.1.0',
      consumers: [service, 'web'],
      down: null,
      irreversible: true,
    };
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: '0007-add-currency', sequence: 7, kind: 'expand' }))
      .when(register(p, body))
      .then({
        status: 201,
        events: { [schema]: [event(MigrationRegistered, { ...body, planId: p.planId, by: developer.id })] },
      });
  });

  it('409 ORCHESTRATION_MIGRATION_EXISTS for a migration id already staged', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: '0007-add-currency', sequence: 7, kind: 'expand' }))
      .when(register(p, { ...expand(service), sequence: 9 }))
      .then({ status: 409, code: Codes.MIGRATION_EXISTS });
  });

  it('409 ORCHESTRATION_MIGRATION_OUT_OF_ORDER for a sequence not above the schema’s last', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema, p.migration({ service, migrationId: '0007-add-currency', sequence: 7, kind: 'expand' }))
      .when(register(p, { ...expand(service), migrationId: '0006-late', sequence: 7 }))
      .then({ status: 409, code: Codes.MIGRATION_ORDER });
  });

  it('422 ORCHESTRATION_MIGRATION_INVALID for a compatibility that is not a semver range', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema)
      .when(register(p, { ...expand(service), compatibleWith: 'the new one' }))
      .then({ status: 422, code: Codes.MIGRATION_INVALID });
  });

  it('422 ORCHESTRATION_MIGRATION_INVALID for a down migration on one marked irreversible', async () => {
    const { p, service, schema } = fresh();
    await s
      .given(p, p.created())
      .given(schema)
      .when(register(p, { ...expand(service), irreversible: true }))
      .then({ status: 422, code: Codes.MIGRATION_INVALID });
  });

  it('422 ORCHESTRATION_PLAN_SERVICE_UNKNOWN for a service the plan does not deploy', async () => {
    const { p } = fresh();
    const stranger = `billing-${randomUUID().slice(0, 8)}`;
    await s
      .given(p, p.created())
      .given(serviceSchemaStream(stranger))
      .when(register(p, expand(stranger)))
      .then({ status: 422, code: Codes.PLAN_SERVICE_UNKNOWN });
  });

  it('404 ORCHESTRATION_PLAN_NOT_FOUND for a plan never created', async () => {
    const { p, service } = fresh();
    await s
      .spec()
      .when(register(p, expand(service)))
      .then({ status: 404, code: Codes.PLAN_NOT_FOUND });
  });

  it('400 for a kind that is not expand, migrate or contract', async () => {
    const { p, service } = fresh();
    await s
      .given(p, p.created())
      .when(register(p, { ...expand(service), kind: 'drop' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
