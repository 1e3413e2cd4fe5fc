import type { ServiceOwnershipEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export type OwnershipState = { team: string | null };
export type OwnershipCommand = { type: 'AssignTeam'; service: string; team: string; actor: string };

/** Which team owns a service (G1 per team). Reassigning to the same team records nothing. */
export const ownershipDecider: Decider<OwnershipCommand, ServiceOwnershipEvent, OwnershipState> = {
  initialState: { team: null },
  evolve: (_s, e) => ({ team: e.data.team }),
  decide(c, s) {
    if (s.team === c.team) return [];
    return [{ type: 'ServiceTeamAssigned', data: { service: c.service, team: c.team, assignedBy: c.actor } }];
  },
};
