import { OrchestrationErrorCodes as Codes, invalid, type WindowOverrideEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export interface OverrideGrant {
  overrideId: string;
  service: string;
  environment: string;
  from: string;
  until: string;
  reason: string;
  grantedBy: string;
}
export type OverrideState = { exists: false } | ({ exists: true } & OverrideGrant);

export interface GrantOverride {
  type: 'GrantEmergencyOverride';
  overrideId: string;
  service: string;
  environment: string;
  from: Date;
  until: Date;
  reason: string;
  actor: { id: string; roles: readonly string[] };
}

export const overrideDecider: Decider<GrantOverride, WindowOverrideEvent, OverrideState> = {
  initialState: { exists: false },
  evolve(_s, e) {
    const { grantedWithRole: _r, ...grant } = e.data;
    return { exists: true, ...grant };
  },
  decide(c, s) {
    if (s.exists) return [];
    const reason = c.reason.trim();
    if (c.until.getTime() <= c.from.getTime()) {
      throw invalid(Codes.OVERRIDE_RANGE_INVALID, 'An override must end after it starts.');
    }
    return [
      {
        type: 'EmergencyOverrideGranted',
        data: {
          overrideId: c.overrideId,
          service: c.service,
          environment: c.environment,
          from: c.from.toISOString(),
          until: c.until.toISOString(),
          reason,
          grantedBy: c.actor.id,
          // The route admits only these two roles; the event keeps which one vouched for the override.
          grantedWithRole: c.actor.roles.includes('deployment-lead') ? 'deployment-lead' : 'admin',
        },
      },
    ];
  },
};
