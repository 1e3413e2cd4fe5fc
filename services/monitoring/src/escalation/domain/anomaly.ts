import { type Actor, type anomalyEvents, MonitoringErrorCodes, notFound, ruleViolated } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { z } from 'zod';

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type AnomalyEvent = {
  [K in keyof typeof anomalyEvents]: { type: K; data: DataOf<(typeof anomalyEvents)[K]> };
}[keyof typeof anomalyEvents];
export type Opened = Extract<AnomalyEvent, { type: 'AnomalyOpened' }>['data'];
export type Escalated = Extract<AnomalyEvent, { type: 'AnomalyEscalated' }>['data'];

/** An anomaly (`anomaly-<id>`): open until resolved, escalated at most once. */
export type AnomalyState =
  | { exists: false }
  | {
      exists: true;
      opened: Opened;
      resolved: { resolvedAt: string; reason: string } | null;
      escalated: Escalated | null;
    };

export type AnomalyCommand =
  | { type: 'OpenAnomaly'; actor: Actor; opened: Opened }
  | { type: 'ResolveAnomaly'; actor: Actor; anomalyId: string; at: Date; reason: string; strict: boolean }
  | {
      type: 'RecordEscalation';
      actor: Actor;
      escalation: Omit<
        Escalated,
        'anomalyId' | 'severity' | 'summary' | 'service' | 'environment' | 'deploymentId' | 'releaseId'
      >;
    };

export const anomalyDecider: Decider<AnomalyCommand, AnomalyEvent, AnomalyState> = {
  initialState: { exists: false },
  evolve(state, event) {
    switch (event.type) {
      case 'AnomalyOpened':
        return { exists: true, opened: event.data, resolved: null, escalated: null };
      case 'AnomalyResolved':
        return state.exists
          ? { ...state, resolved: { resolvedAt: event.data.resolvedAt, reason: event.data.reason } }
          : state;
      case 'AnomalyEscalated':
        return state.exists ? { ...state, escalated: event.data } : state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'OpenAnomaly':
        // The same source opening the same anomaly again (a redelivered alert) is nothing new.
        return state.exists ? [] : [{ type: 'AnomalyOpened', data: command.opened }];
      case 'ResolveAnomaly': {
        if (!state.exists) {
          if (!command.strict) return [];
          throw notFound(MonitoringErrorCodes.ANOMALY_NOT_FOUND, 'No anomaly with this id.');
        }
        if (state.resolved) {
          if (!command.strict) return [];
          throw ruleViolated(MonitoringErrorCodes.ANOMALY_RESOLVED, 'This anomaly is already resolved.');
        }
        return [
          {
            type: 'AnomalyResolved',
            data: { anomalyId: command.anomalyId, resolvedAt: command.at.toISOString(), reason: command.reason },
          },
        ];
      }
      case 'RecordEscalation': {
        // Resolved meanwhile, or another replica escalated it first: nothing to record.
        if (!state.exists || state.resolved || state.escalated) return [];
        const { anomalyId, severity, summary, service, environment, deploymentId, releaseId } = state.opened;
        return [
          {
            type: 'AnomalyEscalated',
            data: {
              anomalyId,
              severity,
              summary,
              service,
              environment,
              deploymentId,
              releaseId,
              ...command.escalation,
            },
          },
        ];
      }
    }
  },
};
