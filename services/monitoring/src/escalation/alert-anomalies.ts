import { anomalyStream } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import { v5 as uuidv5 } from 'uuid';
import type { AnomalyCommands } from './anomaly-commands.js';

// Namespace of anomaly ids derived from alerts (RFC 9562 name-based UUIDs): one anomaly per alert firing.
const ALERT_ANOMALY_NAMESPACE = '3b0f6c1e-2f4a-5d7b-9c8e-0a1b2c3d4e5f';
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** The anomaly an alert firing opens: named by its fingerprint and start, so a redelivery opens nothing new. */
export const alertAnomalyId = (fingerprint: string, startsAt: string) =>
  uuidv5(`${fingerprint}\u0000${startsAt}`, ALERT_ANOMALY_NAMESPACE);

/** What an alert tells the anomalies: opened when it fires, resolved when it resolves. */
export interface AlertFacts {
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  service: string | null;
  environment: string | null;
  deploymentId: string | null;
}

/**
 * A firing alert of a known service opens an anomaly (its id derived from fingerprint and start, so redeliveries
 * open nothing new); the same alert resolved resolves it. Releases come from the correlated deployment at escalation.
 */
export function anomaliesFromAlerts(
  commands: AnomalyCommands,
  releaseOf: (deploymentId: string) => Promise<string | null>,
) {
  return async (alert: AlertFacts, ctx: CommandContext): Promise<void> => {
    if (!alert.service) return;
    const anomalyId = alertAnomalyId(alert.fingerprint, alert.startsAt);
    if (alert.status === 'resolved') {
      await commands.handle(
        anomalyStream(anomalyId),
        {
          type: 'ResolveAnomaly',
          actor: ctx.actor,
          anomalyId,
          at: ctx.now,
          reason: 'the alert resolved',
          strict: false,
        },
        ctx,
      );
      return;
    }
    const severity = (SEVERITIES as readonly string[]).includes(alert.labels.severity ?? '')
      ? (alert.labels.severity as (typeof SEVERITIES)[number])
      : 'error';
    const summary = alert.annotations.summary ?? alert.labels.alertname ?? `alert ${alert.fingerprint}`;
    await commands.handle(
      anomalyStream(anomalyId),
      {
        type: 'OpenAnomaly',
        actor: ctx.actor,
        opened: {
          anomalyId,
          source: 'alert',
          service: alert.service,
          environment: alert.environment,
          deploymentId: alert.deploymentId,
          releaseId: alert.deploymentId ? await releaseOf(alert.deploymentId) : null,
          severity,
          summary: summary.slice(0, 1024),
          openedAt: alert.startsAt,
        },
      },
      ctx,
    );
  };
}
