import { rebuildProjection } from '@railyard/readmodels';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orchestrationProjections } from './aggregates.js';
import { createDeploymentCommands } from './deployments/deployment-store.js';
import { DEPLOYMENT_ACTOR } from './deployments/execution/executor.js';
import { testDeployments } from './plans/test-support/deployments.js';
import { environmentBody } from './test-support/environments.js';
import { type OrchestrationFixture, startOrchestration } from './test-support/orchestration-fixture.js';

const TABLES = [
  'orchestration.environments',
  'orchestration.bookings',
  'orchestration.quotas',
  'orchestration.quota_reservations',
  'orchestration.calendars',
  'orchestration.deployment_windows',
  'orchestration.window_overrides',
  'orchestration.deployments',
  'orchestration.rollout_plans',
  'orchestration.running_versions',
] as const;

// The read models: what the projections write, what analysts see under `reporting`, and that a rebuild or a
// replayed event gives the same rows.
describe('orchestration read models', () => {
  let f: OrchestrationFixture;

  const rows = async (table: string) =>
    (
      await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`.execute(f.runtime.db)
    ).rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !['updated_at', 'since'].includes(k))));
  const snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await rows(t)])));

  beforeAll(async () => {
    f = await startOrchestration('readModels', { start: new Date('2026-12-01T09:00:00Z') });
    const admin = await f.as('root', ['admin']);
    await admin.post('/environments', environmentBody('rm-staging', 'staging', { service: 'ledger' }));
    await admin.post('/environments', environmentBody('rm-prod', 'prod', { service: 'ledger' }));
    await admin.post('/environments/rm-prod/actual-config', { config: { replicas: 3 } });
    const booking = { phase: 'integration', from: '2026-12-02T00:00:00Z', until: '2026-12-04T00:00:00Z' };
    await admin.post('/environments/rm-staging/bookings', { ...booking, releaseId: 'rel-1' });
    await admin.post('/environments/rm-staging/bookings', { ...booking, releaseId: 'rel-2', whenBusy: 'queue' });
    await admin.put('/quotas/ledger-team/rm-prod', {
      limits: { concurrentDeployments: 1, instances: 4, cpuUnits: 4, memoryUnits: 4 },
      whenExceeded: 'queue',
    });
    await admin.post('/quotas/ledger-team/rm-prod/reservations', {
      deploymentId: 'd1',
      demand: { instances: 2, cpuUnits: 1, memoryUnits: 1 },
    });
    await admin.post('/quotas/ledger-team/rm-prod/reservations', {
      deploymentId: 'd2',
      demand: { instances: 1, cpuUnits: 1, memoryUnits: 1 },
    });
    const cal = (await admin.post('/calendars', { name: 'Ledger', holidays: [{ country: 'FR' }] })).json().id;
    await admin.post(`/calendars/${cal}/windows`, {
      kind: 'deny',
      purpose: 'peak-hours',
      schedule: '0 9 * * 1-5',
      durationMinutes: 90,
      timeZone: 'Europe/Paris',
      selectors: { regions: ['eu'], tiers: ['prod'] },
    });
    await admin.post('/windows/overrides', {
      service: 'ledger',
      environment: 'rm-prod',
      until: '2026-12-01T12:00:00Z',
      reason: 'incident 42',
    });
    // A deployment whose first step is under way (no agent runs here: it only feeds the deployment list).
    const deploymentId = '0193a000-0000-7000-8000-0000000000d1';
    const deployments = createDeploymentCommands(f.store);
    const ctx = { actor: DEPLOYMENT_ACTOR, now: f.clock.now, correlationId: deploymentId };
    const artifact = { name: 'ledger', version: '3.1.0', sha256: 'c'.repeat(64) };
    await deployments.handle(
      `deployment-${deploymentId}`,
      {
        type: 'Request',
        subject: {
          deploymentId,
          runId: '0193a000-0000-7000-8000-0000000000e1',
          stage: 2,
          releaseId: null,
          planId: null,
          service: 'ledger',
          environment: 'rm-staging',
          environmentTier: 'staging',
          artifact,
        },
        strategy: { type: 'rolling', batchPercent: 50 },
        rollbackTarget: null,
        commits: [],
        requestedAt: f.clock.now.toISOString(),
        checks: [{ check: 'window', passed: true, reason: 'No deployment window applies.' }],
        admission: { decision: 'start', reason: 'No rollout plan covers this deployment.' },
        driver: 'webhook',
        steps: [
          { step: 0, action: 'roll-batch', batchPercent: 50 },
          { step: 1, action: 'roll-batch', batchPercent: 50 },
        ],
      },
      ctx,
    );
    await deployments.handle(`deployment-${deploymentId}`, { type: 'BeginStep', step: 0, requestId: 'r0' }, ctx);
    await deployments.handle(
      `deployment-${deploymentId}`,
      {
        type: 'CompleteStep',
        requestId: 'r0',
        step: 0,
        callbackId: 'c0',
        outcome: 'succeeded',
        live: { version: '3.1.0', weight: 50 },
        detail: 'half',
        startedAt: f.clock.now.toISOString(),
      },
      ctx,
    );
    const planDeployments = testDeployments(f.store, () => f.clock.now);
    const live = {
      releaseId: '0193eeee-0000-7000-8000-0000000000ff',
      service: 'ledger',
      environment: 'rm-prod',
      version: '3.0.0',
    };
    await planDeployments.succeed((await planDeployments.request(f.runtime.plans.waveGate, live)).deploymentId);
    await admin.post('/plans', {
      releaseId: '0193eeee-0000-7000-8000-000000000001',
      environments: ['rm-staging', 'rm-prod'],
      services: [{ service: 'ledger', version: '3.1.0', provides: [], consumes: [] }],
      lead: 'root',
      escalation: [],
      ackTimeoutMinutes: 5,
    });
    await f.settle();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('projects environments with drift, the booking calendar, quota use, windows and overrides', async () => {
    const envs = await rows('orchestration.environments');
    expect(envs.map((e) => [e.name, e.drift_status])).toEqual([
      ['rm-prod', 'drifted'],
      ['rm-staging', 'unknown'],
    ]);
    expect((await rows('orchestration.bookings')).map((b) => [b.release_id, b.status])).toEqual(
      expect.arrayContaining([
        ['rel-1', 'confirmed'],
        ['rel-2', 'queued'],
      ]),
    );
    const use = await sql<Record<string, unknown>>`SELECT * FROM orchestration.quota_use`.execute(f.runtime.db);
    expect(use.rows).toEqual([
      expect.objectContaining({ team: 'ledger-team', concurrent_deployments: 1, instances: 2, queued: 1 }),
    ]);
    expect(await rows('orchestration.window_overrides')).toEqual([
      expect.objectContaining({ service: 'ledger', environment: 'rm-prod', reason: 'incident 42', granted_by: 'root' }),
    ]);
    // Two deployments: the one under way above, and the plans' earlier one of ledger 3.0.0 to rm-prod, finished.
    const deploymentRows = await rows('orchestration.deployments');
    expect(deploymentRows).toHaveLength(2);
    expect(deploymentRows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          deployment_id: '0193a000-0000-7000-8000-0000000000d1',
          status: 'running',
          steps_total: 2,
          steps_done: 1,
          live_weight: 50,
        }),
        expect.objectContaining({ service: 'ledger', environment: 'rm-prod', version: '3.0.0', status: 'succeeded' }),
      ]),
    );
  });

  it('exposes reporting.environment_bookings and reporting.deployment_windows to analysts', async () => {
    const bookings = await sql<Record<string, unknown>>`
      SELECT environment, service, tier, release_id, phase, status, booked_from, booked_until, last_event_id
      FROM reporting.environment_bookings ORDER BY release_id`.execute(f.runtime.db);
    expect(bookings.rows).toEqual([
      expect.objectContaining({
        environment: 'rm-staging',
        service: 'ledger',
        tier: 'staging',
        release_id: 'rel-1',
        status: 'confirmed',
      }),
      expect.objectContaining({ release_id: 'rel-2', status: 'queued', booked_from: new Date('2026-12-02T00:00:00Z') }),
    ]);
    expect(bookings.rows[0]!.last_event_id).toEqual(expect.any(String));
    const windows = await sql<Record<string, unknown>>`SELECT * FROM reporting.deployment_windows`.execute(
      f.runtime.db,
    );
    expect(windows.rows).toEqual([
      expect.objectContaining({
        calendar_name: 'Ledger',
        kind: 'deny',
        purpose: 'peak-hours',
        schedule: '0 9 * * 1-5',
        time_zone: 'Europe/Paris',
        regions: ['eu'],
        tiers: ['prod'],
        services: [],
        in_force: true,
      }),
    ]);
  });

  it('gives the same rows after a rebuild of every projection, and after replaying an event twice', async () => {
    const live = await snapshot();
    for (const projection of orchestrationProjections) {
      const runner = Object.values(f.runtime.runners).find((r) => r.name === projection.name)!;
      await runner.stop();
      const result = await rebuildProjection({ ...projection, store: f.store, db: f.runtime.db, logger: undefined });
      expect(result.events).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(live);
    // At-least-once delivery must not double-apply: fold every event again over the rebuilt rows.
    for (const projection of orchestrationProjections) {
      const events = await f.store.readAll({ filter: projection.filter, limit: 1000 });
      await f.runtime.db.transaction().execute(async (trx) => {
        for (const e of events) await projection.project(trx, e);
      });
    }
    expect(await snapshot()).toEqual(live);
  });
});
