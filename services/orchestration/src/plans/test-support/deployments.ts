import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type DeploymentEvent,
  deploymentEvents,
  deploymentStream,
  type EventCatalogue,
} from '@railyard/contracts';
import {
  type CommandContext,
  type EventStore,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from '@railyard/eventstore';
import type { DeploymentControl, WaveGate } from '../../rollout-ports.js';

const catalogue = deploymentEvents as unknown as EventCatalogue;
const AGENT: Actor = { id: 'test-deployments', kind: 'system', roles: [] };

/**
 * The deployments side of the seam, as the plans' tests need it before the merge: it appends the agreed
 * `deployment-<id>` events (contracts' deployment-events.ts) to the real store, parsed by their schemas, the way the
 * deployments capability will. Not a mock of our store: the events are real and the plans follow them from it.
 */
export function testDeployments(store: EventStore, now: () => Date) {
  type Subject = {
    deploymentId: string;
    runId: string;
    stage: number;
    releaseId: string | null;
    planId: string | null;
    service: string;
    environment: string;
    environmentTier: null;
    artifact: { name: string; version: string; sha256: string };
  };
  const subjects = new Map<string, Subject>();
  const calls: { release: string[]; rollback: string[]; promote: { id: string; step?: number }[] } = {
    release: [],
    rollback: [],
    promote: [],
  };

  async function append(
    id: string,
    event: DeploymentEvent,
    ctx?: Pick<CommandContext, 'correlationId'>,
    expected: ExpectedRevision = 'any',
  ) {
    const data = catalogue[event.type]!.schema.parse(event.data) as Record<string, unknown>;
    await store.append(
      deploymentStream(id),
      [
        {
          id: randomUUID(),
          type: event.type,
          data,
          metadata: {
            occurredAt: now().toISOString(),
            actor: AGENT,
            correlationId: ctx?.correlationId ?? `deployment-${id}`,
            causationId: ctx?.correlationId ?? `deployment-${id}`,
            schemaVersion: 1,
          },
        },
      ],
      expected,
    );
  }
  /** Appends DeploymentStarted once, however many callers race (the request's start and the plan's release). */
  async function startOnce(id: string, reason: string, ctx?: Pick<CommandContext, 'correlationId'>) {
    for (;;) {
      const events = await store.readStream(deploymentStream(id));
      if (events.some((e) => e.type === 'DeploymentStarted')) return;
      const data = {
        ...subject(id),
        driver: 'test',
        steps: [{ step: 0, action: 'set-weight' as const, weight: 10 }],
        reason,
      };
      try {
        await append(id, { type: 'DeploymentStarted', data }, ctx, events.at(-1)?.revision ?? 'noStream');
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }
  const subject = (id: string): Subject => {
    const s = subjects.get(id);
    if (!s) throw new Error(`no deployment ${id} in this test`);
    return s;
  };

  const api = {
    calls,
    /** Asks the gate like the deployments capability does, then records DeploymentScheduled (or the refusal). */
    async request(
      gate: WaveGate,
      d: { releaseId: string; service: string; environment: string; version: string; rollbackTo?: string | null },
    ) {
      const deploymentId = randomUUID();
      const admission = await gate.admit({ deploymentId, ...d });
      const artifact = { name: d.service, version: d.version, sha256: 'a'.repeat(64) };
      const s: Subject = {
        deploymentId,
        runId: randomUUID(),
        stage: 2,
        releaseId: d.releaseId,
        planId: admission.planId,
        service: d.service,
        environment: d.environment,
        environmentTier: null,
        artifact,
      };
      subjects.set(deploymentId, s);
      if (admission.decision === 'refuse') {
        await append(deploymentId, {
          type: 'DeploymentRefused',
          data: {
            ...s,
            checks: [{ check: admission.check, passed: false, reason: admission.reason }],
            reason: admission.reason,
          },
        });
        return { deploymentId, admission };
      }
      const rollbackTarget = d.rollbackTo ? { ...artifact, version: d.rollbackTo } : null;
      await append(deploymentId, {
        type: 'DeploymentScheduled',
        data: {
          ...s,
          strategy: { type: 'canary', steps: [{ weight: 10, pauseMinutes: 0 }] },
          rollbackTarget,
          commits: [],
          requestedAt: now().toISOString(),
          reason: admission.reason,
        },
      });
      if (admission.decision === 'start') await api.start(deploymentId);
      return { deploymentId, admission };
    },
    async start(id: string) {
      await startOnce(id, 'started');
    },
    async pauseForDecision(id: string) {
      const s = subject(id);
      await append(id, {
        type: 'DeploymentStepStarted',
        data: {
          deploymentId: id,
          service: s.service,
          environment: s.environment,
          step: { step: 1, action: 'pause', pauseMinutes: 0 },
          requestId: `req-${id}`,
        },
      });
    },
    async succeed(id: string) {
      await append(id, {
        type: 'DeploymentSucceeded',
        data: { ...subject(id), commits: [], startedAt: now().toISOString(), reason: 'every step succeeded' },
      });
    },
    async fail(id: string) {
      await append(id, {
        type: 'DeploymentFailed',
        data: { ...subject(id), failedStep: 0, reason: 'the agent said no' },
      });
    },
    control: {
      async release(id, ctx) {
        calls.release.push(id);
        await startOnce(id, 'wave open', ctx);
      },
      async rollback(id, trigger, ctx) {
        calls.rollback.push(id);
        const events = await store.readStream(deploymentStream(id));
        if (events.some((e) => e.type === 'DeploymentRolledBack')) return;
        const scheduled = events.find((e) => e.type === 'DeploymentScheduled')!.data as { rollbackTarget: unknown };
        const to = scheduled.rollbackTarget as never;
        const snapshot = { takenAt: now().toISOString(), live: [], flags: [], metrics: null };
        await append(
          id,
          {
            type: 'DeploymentRollbackStarted',
            data: { ...subject(id), to, trigger, snapshot, reason: 'plan rollback' },
          },
          ctx,
        );
        await append(
          id,
          { type: 'DeploymentRolledBack', data: { ...subject(id), to, trigger, reason: 'plan rollback' } },
          ctx,
        );
      },
      async promote(id, _ctx, promotion) {
        calls.promote.push({ id, step: promotion?.step });
      },
    } satisfies DeploymentControl,
  };
  return api;
}
export type TestDeployments = ReturnType<typeof testDeployments>;
