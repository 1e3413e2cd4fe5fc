import {
  type CauseClass,
  GovernanceErrorCodes as Codes,
  type IncidentCause,
  type IncidentEvent,
  type IncidentSeverity,
  type LinkRole,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

type Opened = Extract<IncidentEvent, { type: 'IncidentOpened' }>['data'];

export type IncidentState =
  | { exists: false }
  | {
      exists: true;
      incidentId: string;
      title: string;
      service: string;
      environment: string | null;
      source: Opened['source'];
      suspectedDeploymentId: string | null;
      severity: IncidentSeverity;
      causeClass: CauseClass;
      cause: string | null;
      missingSafeguard: string | null;
      status: 'open' | 'resolved';
      openedAt: string;
      resolvedAt: string | null;
      links: { deploymentId: string; role: LinkRole; reason: string; linkedBy: string }[];
    };

export type IncidentCommand =
  | ({ type: 'OpenIncident'; actor: string; at: Date } & Omit<Opened, 'openedAt' | 'openedBy'>)
  | {
      type: 'ClassifyIncident';
      severity: IncidentSeverity;
      cause: IncidentCause;
      missingSafeguard: string | null;
      reason: string;
      actor: string;
    }
  | { type: 'LinkDeployment'; deploymentId: string; role: LinkRole; reason: string; actor: string }
  | { type: 'ResolveIncident'; resolution: string; actor: string; at: Date }
  | { type: 'ReopenIncident'; reason: string; actor: string; at: Date };

/** G4: an incident's life. Whether a linked deployment exists is checked before deciding (it is not in this stream). */
export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'IncidentOpened') {
      const d = e.data;
      return {
        exists: true,
        incidentId: d.incidentId,
        title: d.title,
        service: d.service,
        environment: d.environment,
        source: d.source,
        suspectedDeploymentId: d.suspectedDeploymentId,
        severity: d.severity,
        causeClass: 'unknown',
        cause: null,
        missingSafeguard: null,
        status: 'open',
        openedAt: d.openedAt,
        resolvedAt: null,
        links: [],
      };
    }
    if (!s.exists) return s;
    switch (e.type) {
      case 'IncidentClassified': {
        const { severity, causeClass, cause, missingSafeguard } = e.data;
        return { ...s, severity, causeClass, cause, missingSafeguard };
      }
      case 'IncidentLinked': {
        const { deploymentId, role, reason, linkedBy } = e.data;
        return { ...s, links: [...s.links, { deploymentId, role, reason, linkedBy }] };
      }
      case 'IncidentResolved':
        return { ...s, status: 'resolved', resolvedAt: e.data.resolvedAt };
      case 'IncidentReopened':
        return { ...s, status: 'open', resolvedAt: null };
    }
  },
  decide(c, s) {
    if (c.type === 'OpenIncident') {
      if (s.exists) throw ruleViolated(Codes.INCIDENT_EXISTS, 'This incident is already open.');
      const { type: _type, actor, at, ...opened } = c;
      return [{ type: 'IncidentOpened', data: { ...opened, openedAt: at.toISOString(), openedBy: actor } }];
    }
    if (!s.exists) throw notFound(Codes.INCIDENT_NOT_FOUND, 'No incident with this id.');
    const incidentId = s.incidentId;
    switch (c.type) {
      case 'ClassifyIncident':
        return [
          {
            type: 'IncidentClassified',
            data: {
              incidentId,
              severity: c.severity,
              causeClass: c.cause.causeClass,
              cause: c.cause.cause,
              missingSafeguard: c.missingSafeguard,
              classifiedBy: c.actor,
              reason: c.reason,
            },
          },
        ];
      case 'LinkDeployment':
        // One link per deployment and role: a second would count nothing more and only blur who attributed it.
        if (s.links.some((l) => l.deploymentId === c.deploymentId && l.role === c.role)) {
          throw ruleViolated(Codes.LINK_DUPLICATE, `Deployment ${c.deploymentId} is already linked as ${c.role}.`);
        }
        return [
          {
            type: 'IncidentLinked',
            data: { incidentId, deploymentId: c.deploymentId, role: c.role, reason: c.reason, linkedBy: c.actor },
          },
        ];
      case 'ResolveIncident':
        if (s.status === 'resolved') throw ruleViolated(Codes.INCIDENT_ALREADY_RESOLVED, 'The incident is resolved.');
        return [
          {
            type: 'IncidentResolved',
            data: { incidentId, resolvedAt: c.at.toISOString(), resolvedBy: c.actor, resolution: c.resolution },
          },
        ];
      case 'ReopenIncident':
        if (s.status !== 'resolved')
          throw ruleViolated(Codes.INCIDENT_NOT_RESOLVED, 'Only a resolved incident reopens.');
        return [
          {
            type: 'IncidentReopened',
            data: { incidentId, reopenedAt: c.at.toISOString(), reopenedBy: c.actor, reason: c.reason },
          },
        ];
    }
  },
};
