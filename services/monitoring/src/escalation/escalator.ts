import type { Actor } from '@railyard/contracts';
import { anomalyStream, deploymentWatchStream } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import { type AnomalyCommands, loadAnomaly } from './anomaly-commands.js';
import type { Opened } from './domain/anomaly.js';
import { type PagerDutyTarget, type PagerDutyTrigger, sendToPagerDuty } from './pagerduty.js';

export const ESCALATION_ACTOR: Actor = { id: 'monitoring-escalation', kind: 'system', roles: [] };

/** What an escalation says about the anomaly's deployment, as monitoring learnt it from orchestration. */
export interface DeploymentFacts {
  releaseId: string | null;
  planId: string | null;
  service: string;
  environment: string;
  version: string;
  baselineVersion: string | null;
  status: string;
  commits: { sha: string; committedAt: string }[];
  /** The correlation the deployment was scheduled under: the escalation (and governance's incident) carries it. */
  correlationId?: string | null;
}

export interface EscalationDeps {
  store: EventStore;
  commands: AnomalyCommands;
  /** Open, unescalated anomalies opened at or before the given time (from the anomaly-list projection). */
  due: (openedBefore: Date) => Promise<string[]>;
  deployment: (id: string) => Promise<DeploymentFacts | undefined>;
  leadOf: (planId: string | null, releaseId: string | null) => Promise<string | null>;
  target: PagerDutyTarget;
  afterMinutes: number;
  /** Where links in the page point (this service's public base URL). */
  publicUrl: string;
  now: () => Date;
  tickMs: number;
  logger: Logger;
}

export interface Escalator {
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** The last events monitoring holds about the anomaly and its deployment, newest first (custom_details). */
async function lastEvents(store: EventStore, opened: Opened) {
  const streams = [anomalyStream(opened.anomalyId)];
  if (opened.deploymentId) streams.push(deploymentWatchStream(opened.deploymentId));
  const events = (
    await Promise.all(streams.map((s) => store.readStream(s, { direction: 'backwards', limit: 10 })))
  ).flat();
  return events
    .sort((a, b) => b.metadata.occurredAt.localeCompare(a.metadata.occurredAt))
    .slice(0, 10)
    .map((e) => ({ type: e.type, at: e.metadata.occurredAt, stream: e.streamId }));
}

/** The PagerDuty Events v2 trigger of an anomaly, pre-filled with its deployment's context (M7). */
export async function triggerFor(
  deps: Pick<EscalationDeps, 'store' | 'deployment' | 'leadOf' | 'target' | 'publicUrl'>,
  opened: Opened,
) {
  const d = opened.deploymentId ? await deps.deployment(opened.deploymentId) : undefined;
  const releaseId = opened.releaseId ?? d?.releaseId ?? null;
  const lead = d || releaseId ? await deps.leadOf(d?.planId ?? null, releaseId) : null;
  const dedupKey = `railyard-anomaly-${opened.anomalyId}`;
  const trigger: PagerDutyTrigger = {
    routing_key: deps.target.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'Railyard monitoring',
    client_url: `${deps.publicUrl}/anomalies/${opened.anomalyId}`,
    payload: {
      summary: opened.summary.slice(0, 1024),
      source: `${opened.service}${opened.environment ? `.${opened.environment}` : ''}`,
      severity: opened.severity,
      timestamp: opened.openedAt,
      component: opened.service,
      group: opened.environment ?? 'unknown',
      class: opened.source,
      custom_details: {
        release: releaseId,
        deploymentId: opened.deploymentId,
        versions: d ? { deployed: d.version, baseline: d.baselineVersion } : null,
        changes: d?.commits ?? [],
        lead,
        deploymentStatus: d?.status ?? null,
        lastEvents: await lastEvents(deps.store, opened),
      },
    },
    links: [{ href: `${deps.publicUrl}/anomalies/${opened.anomalyId}`, text: 'Railyard anomaly' }],
  };
  if (opened.deploymentId) {
    trigger.links.push({
      href: `${deps.publicUrl}/deployments/${opened.deploymentId}/watch`,
      text: 'Deployment analysis',
    });
  }
  return { trigger, lead, releaseId, dedupKey, correlationId: d?.correlationId ?? null };
}

/**
 * M7's loop: an anomaly still open `afterMinutes` after it opened becomes a PagerDuty trigger. A delivered trigger,
 * or one PagerDuty refused for good (4xx other than 429), is recorded as AnomalyEscalated with the attempts and the
 * status; one still failing after its retries (429, 5xx, no answer) is left for the next pass.
 */
export function createEscalator(deps: EscalationDeps): Escalator {
  const { store, commands, now, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function escalate(anomalyId: string, ctx: CommandContext): Promise<number> {
    const { state } = await loadAnomaly(store, anomalyId);
    if (!state.exists || state.resolved || state.escalated) return 0;
    const { trigger, lead, correlationId } = await triggerFor(deps, state.opened);
    const outcome = await sendToPagerDuty(deps.target, '/v2/enqueue', trigger);
    if (!outcome.delivered && outcome.retryable) {
      logger.warn(
        { anomalyId, status: outcome.status, attempts: outcome.attempts },
        'escalation not delivered; next pass retries',
      );
      return 0;
    }
    const result = await commands.handle(
      anomalyStream(anomalyId),
      {
        type: 'RecordEscalation',
        actor: ESCALATION_ACTOR,
        escalation: {
          dedupKey: trigger.dedup_key,
          lead,
          sentTo: `${deps.target.url.replace(/\/+$/, '')}/v2/enqueue`,
          attempts: outcome.attempts,
          responseStatus: outcome.status,
          escalatedAt: ctx.now.toISOString(),
        },
      },
      correlationId ? { ...ctx, correlationId } : ctx,
    );
    return result.events.length;
  }

  async function pass(): Promise<number> {
    const at = now();
    const ctx: CommandContext = { actor: ESCALATION_ACTOR, now: at, correlationId: `escalation-${at.toISOString()}` };
    let appended = 0;
    for (const id of await deps.due(new Date(at.getTime() - deps.afterMinutes * 60_000))) {
      try {
        appended += await escalate(id, ctx);
      } catch (err) {
        logger.warn({ err, anomalyId: id }, 'escalation of an anomaly failed');
      }
    }
    return appended;
  }

  const tick = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => logger.warn({ err }, 'escalation pass failed'));
      }, deps.tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
