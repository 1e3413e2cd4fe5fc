import { type Actor, type alertEvents, EnvironmentName, ServiceNameSchema } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { z } from 'zod';

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type AlertEvent = {
  [K in keyof typeof alertEvents]: { type: K; data: DataOf<(typeof alertEvents)[K]> };
}[keyof typeof alertEvents];
export type AlertData = Extract<AlertEvent, { type: 'AlertReceived' }>['data'];
export type Correlation = Omit<Extract<AlertEvent, { type: 'AlertCorrelated' }>['data'], 'fingerprint' | 'status'>;

/** One alert (`alert-<fingerprint>`): the status it was last received with. */
export interface AlertState {
  status: 'firing' | 'resolved' | null;
  startsAt: string | null;
  received: number;
}

export interface ReceiveAlert {
  type: 'ReceiveAlert';
  actor: Actor;
  alert: AlertData;
  /** Computed from the deployments learnt, at the alert's start (see correlate). */
  correlation: Correlation;
}

/**
 * Deduplication by fingerprint and status (M2): Alertmanager resends a group's alerts on every group_interval and
 * repeat_interval, so the same alert with the status it already has is nothing new; a change of status (or a new
 * firing after a resolution, with another start) is received and correlated again.
 */
export const alertDecider: Decider<ReceiveAlert, AlertEvent, AlertState> = {
  initialState: { status: null, startsAt: null, received: 0 },
  evolve(state, event) {
    if (event.type !== 'AlertReceived') return state;
    return { status: event.data.status, startsAt: event.data.startsAt, received: state.received + 1 };
  },
  decide(command, state) {
    const { alert } = command;
    if (state.status === alert.status && state.startsAt === alert.startsAt) return [];
    return [
      { type: 'AlertReceived', data: alert },
      {
        type: 'AlertCorrelated',
        data: { fingerprint: alert.fingerprint, status: alert.status, ...command.correlation },
      },
    ];
  },
};

/** The service and environment an alert is about, from its labels (`service`/`app`, `environment`/`env`). */
export function alertSubject(labels: Record<string, string>): { service: string | null; environment: string | null } {
  const service = labels.service ?? labels.app ?? null;
  const environment = labels.environment ?? labels.env ?? null;
  return {
    service: service && ServiceNameSchema.safeParse(service).success ? service : null,
    environment: environment && EnvironmentName.safeParse(environment).success ? environment : null,
  };
}

/** A deployment as correlation needs it. */
export interface CandidateDeployment {
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  at: Date;
}

/**
 * The link of an alert to a deployment (M2): the newest deployment of the alert's own service within the window
 * before the alert started wins (`same-service`); else the newest of a service it depends on (`dependency`); else
 * `none-in-window`. Pure: the candidates come from the deployments learnt.
 */
export function correlate(input: {
  service: string | null;
  startsAt: Date;
  windowMinutes: number;
  sameService: CandidateDeployment[];
  dependencies: CandidateDeployment[];
}): Correlation {
  const { windowMinutes } = input;
  const newest = (list: CandidateDeployment[]) => [...list].sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  const minutes = (d: CandidateDeployment) => Math.round((input.startsAt.getTime() - d.at.getTime()) / 6000) / 10;
  if (!input.service) {
    return { deploymentId: null, relation: 'none-in-window', windowMinutes, reason: 'the alert names no service' };
  }
  const same = newest(input.sameService);
  if (same) {
    return {
      deploymentId: same.deploymentId,
      relation: 'same-service',
      windowMinutes,
      reason: `${same.service} ${same.version} was deployed to ${same.environment} ${minutes(same)} min before the alert`,
    };
  }
  const dep = newest(input.dependencies);
  if (dep) {
    return {
      deploymentId: dep.deploymentId,
      relation: 'dependency',
      windowMinutes,
      reason:
        `${input.service} depends on ${dep.service}, whose ${dep.version} was deployed to ${dep.environment} ` +
        `${minutes(dep)} min before the alert`,
    };
  }
  return {
    deploymentId: null,
    relation: 'none-in-window',
    windowMinutes,
    reason: `no deployment of ${input.service} or of a service it depends on in the ${windowMinutes} min before the alert`,
  };
}
