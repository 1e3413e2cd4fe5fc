import type { IncidentEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { incidentDecider } from './incident.decide.js';

const incidentId = '0193a000-0000-7000-8000-0000000000a1';
const deploymentId = '0193a000-0000-7000-8000-0000000000d1';
const at = new Date('2026-10-06T11:00:00Z');
const opened: IncidentEvent = {
  type: 'IncidentOpened',
  data: {
    incidentId,
    title: 'ledger 500s',
    severity: 'SEV3',
    service: 'ledger',
    environment: 'ledger-prod',
    source: { kind: 'manual' },
    suspectedDeploymentId: null,
    openedAt: at.toISOString(),
    openedBy: 'oncall',
  },
};
const linked: IncidentEvent = {
  type: 'IncidentLinked',
  data: { incidentId, deploymentId, role: 'cause', reason: 'diff', linkedBy: 'oncall' },
};
const resolved: IncidentEvent = {
  type: 'IncidentResolved',
  data: { incidentId, resolvedAt: at.toISOString(), resolvedBy: 'oncall', resolution: 'rolled back' },
};
const link = { type: 'LinkDeployment' as const, deploymentId, reason: 'diff', actor: 'oncall' };

describe('incident decider', () => {
  describe('when none exists', () => {
    it('opens one; anything else is not found', () => {
      const { data } = opened as Extract<IncidentEvent, { type: 'IncidentOpened' }>;
      const { openedAt: _a, openedBy: _b, ...rest } = data;
      spec(incidentDecider)
        .when({ type: 'OpenIncident', ...rest, actor: 'oncall', at })
        .then([opened]);
      spec(incidentDecider)
        .when({ ...link, role: 'cause' })
        .thenThrows('GOVERNANCE_INCIDENT_NOT_FOUND');
    });
  });

  describe('when open', () => {
    it('classifies with the cause class and cause of the taxonomy', () => {
      spec(incidentDecider)
        .given([opened])
        .when({
          type: 'ClassifyIncident',
          severity: 'SEV2',
          cause: { causeClass: 'change_induced', cause: 'feature-flag' },
          missingSafeguard: 'feature-flag',
          reason: 'flag on for all',
          actor: 'sre',
        })
        .then([
          {
            type: 'IncidentClassified',
            data: {
              incidentId,
              severity: 'SEV2',
              causeClass: 'change_induced',
              cause: 'feature-flag',
              missingSafeguard: 'feature-flag',
              classifiedBy: 'sre',
              reason: 'flag on for all',
            },
          },
        ]);
    });
    it('links a deployment once per role, and the same deployment as its remedy too', () => {
      spec(incidentDecider)
        .given([opened])
        .when({ ...link, role: 'cause' })
        .then([linked]);
      spec(incidentDecider)
        .given([opened, linked])
        .when({ ...link, role: 'cause' })
        .thenThrows('GOVERNANCE_INCIDENT_LINK_DUPLICATE');
      spec(incidentDecider)
        .given([opened, linked])
        .when({ ...link, role: 'remediation' })
        .then([{ type: 'IncidentLinked', data: { ...linked.data, role: 'remediation' } } as IncidentEvent]);
    });
    it('resolves; it cannot reopen what is open', () => {
      spec(incidentDecider)
        .given([opened])
        .when({ type: 'ResolveIncident', resolution: 'rolled back', actor: 'oncall', at })
        .then([resolved]);
      spec(incidentDecider)
        .given([opened])
        .when({ type: 'ReopenIncident', reason: 'x', actor: 'oncall', at })
        .thenThrows('GOVERNANCE_INCIDENT_NOT_RESOLVED');
    });
  });

  describe('when resolved', () => {
    it('refuses a second resolve and reopens', () => {
      spec(incidentDecider)
        .given([opened, resolved])
        .when({ type: 'ResolveIncident', resolution: 'again', actor: 'oncall', at })
        .thenThrows('GOVERNANCE_INCIDENT_ALREADY_RESOLVED');
      spec(incidentDecider)
        .given([opened, resolved])
        .when({ type: 'ReopenIncident', reason: 'back', actor: 'sre', at })
        .then([
          {
            type: 'IncidentReopened',
            data: { incidentId, reopenedAt: at.toISOString(), reopenedBy: 'sre', reason: 'back' },
          },
        ]);
    });
  });
});
