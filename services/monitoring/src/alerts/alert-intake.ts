import { createHash } from 'node:crypto';
import { alertEvents, alertStream, type EventCatalogue } from '@railyard/contracts';
import { type CommandContext, createCommandHandler, type EventStore } from '@railyard/eventstore';
import { type AlertData, alertDecider, alertSubject, type CandidateDeployment, correlate } from './domain/alert.js';

/** What correlation asks of the deployments learnt from orchestration (handed over by the composition root). */
export interface DeploymentLookup {
  deploymentsBetween(
    services: string[],
    environment: string | null,
    from: Date,
    to: Date,
  ): Promise<CandidateDeployment[]>;
  providersOf(service: string): Promise<string[]>;
}

/** An alert as either intake format gives it, before it is subjected and correlated. */
export interface IncomingAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  source: 'alertmanager' | 'generic';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
}

export interface AlertOutcome {
  fingerprint: string;
  status: 'firing' | 'resolved';
  duplicate: boolean;
  relation: 'same-service' | 'dependency' | 'none-in-window';
  deploymentId: string | null;
  reason: string;
}

/** A fingerprint from the labels when a generic source sends none: sha-256 of the sorted label pairs (16 hex). */
export function labelFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return createHash('sha256').update(sorted).digest('hex').slice(0, 16);
}

/** Receives alerts: dedupe by fingerprint and status, correlate with deployments, record both (M2). */
export function createAlertIntake(deps: {
  store: EventStore;
  deployments: DeploymentLookup;
  windowMinutes: number;
  /** Told of each alert that was new (not a duplicate), e.g. to open or resolve an anomaly. */
  onAlert?: (alert: AlertData, outcome: AlertOutcome, ctx: CommandContext) => Promise<void>;
}) {
  const commands = createCommandHandler({
    store: deps.store,
    decider: alertDecider,
    catalogue: alertEvents as unknown as EventCatalogue,
  });
  return async function receive(incoming: IncomingAlert, ctx: CommandContext): Promise<AlertOutcome> {
    const { service, environment } = alertSubject(incoming.labels);
    const startsAt = new Date(incoming.startsAt);
    const from = new Date(startsAt.getTime() - deps.windowMinutes * 60_000);
    const providers = service ? await deps.deployments.providersOf(service) : [];
    const correlation = correlate({
      service,
      startsAt,
      windowMinutes: deps.windowMinutes,
      sameService: service ? await deps.deployments.deploymentsBetween([service], environment, from, startsAt) : [],
      dependencies: providers.length
        ? await deps.deployments.deploymentsBetween(providers, environment, from, startsAt)
        : [],
    });
    const alert: AlertData = { ...incoming, service, environment };
    const result = await commands.handle(
      alertStream(incoming.fingerprint),
      { type: 'ReceiveAlert', actor: ctx.actor, alert, correlation },
      ctx,
    );
    const duplicate = result.events.length === 0 || result.replayed;
    const outcome: AlertOutcome = {
      fingerprint: incoming.fingerprint,
      status: incoming.status,
      duplicate,
      relation: correlation.relation,
      deploymentId: correlation.deploymentId,
      reason: correlation.reason,
    };
    if (!duplicate) await deps.onAlert?.(alert, outcome, ctx);
    return outcome;
  };
}
export type AlertIntake = ReturnType<typeof createAlertIntake>;
