import { randomUUID } from 'node:crypto';
import { deploymentStream } from '@railyard/contracts';
import type { BusEvent } from '@railyard/messaging';
import { createLogger } from '@railyard/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationGuard } from '../../rollout-ports.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';
import { createDeploymentCommands } from '../deployment-store.js';
import type { DriverStep } from '../driver/driver.js';
import { createDeploymentExecutor, DEPLOYMENT_ACTOR } from '../execution/executor.js';
import { handleRollbackTriggered } from './consumer.js';
import { createDeploymentControl } from './deployment-control.js';

// R1 without an agent: what a rollback asks first, what it records, and what it sends through the driver port.
let f: OrchestrationFixture;
const sent: DriverStep[] = [];
const v1 = { name: 'ledger', version: '1.0.0', sha256: '1'.repeat(64) };
const v2 = { name: 'ledger', version: '2.0.0', sha256: '2'.repeat(64) };

beforeAll(async () => {
  f = await startOrchestration('rollbackInt');
});
afterAll(async () => {
  await f?.close();
});

function controlWith(migrations: MigrationGuard) {
  const commands = createDeploymentCommands(f.store);
  const executor = createDeploymentExecutor({
    store: f.store,
    commands,
    // A driver that records what it is asked: the port, not a fake of our own store or bus.
    driver: { name: 'recording', send: async (step) => void sent.push(step) },
    now: () => f.clock.now,
    minuteMs: 60_000,
    logger: createLogger({ name: 'rollback-test', level: 'silent' }),
  });
  const flags = { list: () => [{ key: 'new-checkout', state: 'ENABLED' as const, defaultVariant: 'on' }] };
  return {
    commands,
    control: createDeploymentControl({
      store: f.store,
      commands,
      executor,
      migrations,
      flags,
      driverName: 'recording',
      stepOptions: { keepMinutes: 0 },
    }),
  };
}

/** A deployment of ledger 2.0.0 at 40% of a canary (its first step answered). */
async function deploymentAt40(commands: ReturnType<typeof createDeploymentCommands>): Promise<string> {
  const id = randomUUID();
  const ctx = { actor: DEPLOYMENT_ACTOR, now: f.clock.now, correlationId: id };
  await commands.handle(
    deploymentStream(id),
    {
      type: 'Request',
      subject: {
        deploymentId: id,
        runId: randomUUID(),
        stage: 2,
        releaseId: null,
        planId: null,
        service: 'ledger',
        environment: 'prod',
        environmentTier: 'prod',
        artifact: v2,
      },
      strategy: { type: 'canary', steps: [{ weight: 40, pauseMinutes: 0 }] },
      rollbackTarget: v1,
      commits: [],
      requestedAt: f.clock.now.toISOString(),
      checks: [{ check: 'window', passed: true, reason: 'No deployment window applies.' }],
      admission: { decision: 'start', reason: 'No rollout plan covers this deployment.' },
      driver: 'recording',
      steps: [
        { step: 0, action: 'set-weight', weight: 40 },
        { step: 1, action: 'set-weight', weight: 100 },
      ],
    },
    ctx,
  );
  await commands.handle(deploymentStream(id), { type: 'BeginStep', step: 0, requestId: 'r0' }, ctx);
  await commands.handle(
    deploymentStream(id),
    {
      type: 'CompleteStep',
      requestId: 'r0',
      step: 0,
      callbackId: 'c0',
      outcome: 'succeeded',
      live: { version: '2.0.0', weight: 40 },
      detail: '40%',
      startedAt: f.clock.now.toISOString(),
    },
    ctx,
  );
  return id;
}

const trigger = (deploymentId: string): BusEvent => ({
  id: randomUUID(),
  type: 'RollbackTriggered',
  streamId: `deploymentWatch-${deploymentId}`,
  revision: 0n,
  position: 1n,
  createdAt: new Date(),
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { id: 'monitoring', kind: 'system', roles: [] },
    correlationId: deploymentId,
    causationId: deploymentId,
    schemaVersion: 1,
  },
  data: {
    deploymentId,
    releaseId: null,
    service: 'ledger',
    environment: 'prod',
    criterion: { kind: 'latency', metric: 'p99', threshold: 300, windowSeconds: 300 },
    observed: { value: 900, samples: { count: 120, min: 100, max: 1500, mean: 700, last: 900 } },
    judgementId: null,
    firstBadSampleAt: null,
    reason: 'p99 tripled.',
  },
});

describe("monitoring's RollbackTriggered", () => {
  it('records the snapshot (live weights, flags, the evidence), then sends the rollback step', async () => {
    const { commands, control } = controlWith({ rollbackAllowed: async () => ({ allowed: true }) });
    const id = await deploymentAt40(commands);
    const event = trigger(id);
    await handleRollbackTriggered(control, () => f.clock.now, event);
    const started = (await f.events(deploymentStream(id))).find((e) => e.type === 'DeploymentRollbackStarted')!;
    expect(started.data).toMatchObject({
      to: v1,
      trigger: { kind: 'monitoring', triggerId: event.id, by: 'monitoring' },
      snapshot: {
        live: [
          { service: 'ledger', environment: 'prod', version: '2.0.0', weight: 40 },
          { service: 'ledger', environment: 'prod', version: '1.0.0', weight: 60 },
        ],
        flags: [{ key: 'new-checkout', state: 'ENABLED', defaultVariant: 'on' }],
        metrics: { observed: { value: 900 }, criterion: { kind: 'latency' } },
      },
    });
    expect(sent.at(-1)).toMatchObject({ deploymentId: id, step: { action: 'rollback' }, rollbackTo: v1 });
    // The same trigger redelivered: one rollback.
    await handleRollbackTriggered(control, () => f.clock.now, event);
    const types = (await f.events(deploymentStream(id))).map((e) => e.type);
    expect(types.filter((t) => t === 'DeploymentRollbackStarted')).toHaveLength(1);
  });

  it('is refused, with the migration named, when a migration forbids it; nothing is sent', async () => {
    const { commands, control } = controlWith({
      rollbackAllowed: async () => ({
        allowed: false,
        migrationId: 'ledger-0042-drop-legacy-columns',
        reason: 'the contract migration already ran',
      }),
    });
    const id = await deploymentAt40(commands);
    const before = sent.length;
    await handleRollbackTriggered(control, () => f.clock.now, trigger(id));
    const events = await f.events(deploymentStream(id));
    expect(events.at(-1)).toMatchObject({
      type: 'DeploymentRollbackFailed',
      data: { reason: expect.stringContaining('ledger-0042-drop-legacy-columns') },
    });
    expect(events.some((e) => e.type === 'DeploymentRollbackStarted')).toBe(false);
    expect(sent).toHaveLength(before);
  });
});
