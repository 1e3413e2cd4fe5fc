import {
  GovernanceErrorCodes as Codes,
  type GrantEvent,
  type GrantScope,
  invalid,
  notFound,
  type Privilege,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export type GrantState =
  | { exists: false }
  | {
      exists: true;
      grantId: string;
      principal: string;
      privilege: Privilege;
      scope: GrantScope;
      issuedBy: string;
      issuedAt: string;
      reason: string;
      expiresAt: string | null;
      revoked: { revokedBy: string; revokedAt: string; reason: string; campaignId: string | null } | null;
    };

export type GrantCommand =
  | {
      type: 'IssueGrant';
      grantId: string;
      principal: string;
      privilege: Privilege;
      scope: GrantScope;
      reason: string;
      expiresAt: Date | null;
      actor: string;
      at: Date;
    }
  | { type: 'RevokeGrant'; reason: string; campaignId: string | null; actor: string; at: Date };

/**
 * G2: a grant's life — issued once, revoked at most once. Expiry needs no event (readers compare `expiresAt` with
 * the instant they ask about). Whether the environment is one orchestration registered is checked before deciding.
 */
export const grantDecider: Decider<GrantCommand, GrantEvent, GrantState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'GrantIssued') {
      const { grantId, principal, privilege, scope, issuedBy, issuedAt, reason, expiresAt } = e.data;
      return {
        exists: true,
        grantId,
        principal,
        privilege,
        scope,
        issuedBy,
        issuedAt,
        reason,
        expiresAt,
        revoked: null,
      };
    }
    if (!s.exists) return s;
    const { revokedBy, revokedAt, reason, campaignId } = e.data;
    return { ...s, revoked: { revokedBy, revokedAt, reason, campaignId } };
  },
  decide(c, s) {
    if (c.type === 'IssueGrant') {
      if (s.exists) throw ruleViolated(Codes.GRANT_EXISTS, 'This grant already exists.');
      // A grant that would never hold is a mistake, not a record worth keeping.
      if (c.expiresAt && c.expiresAt.getTime() <= c.at.getTime()) {
        throw invalid(Codes.GRANT_EXPIRY_PAST, 'The expiry must be in the future.', {
          expiresAt: c.expiresAt.toISOString(),
        });
      }
      return [
        {
          type: 'GrantIssued',
          data: {
            grantId: c.grantId,
            principal: c.principal,
            privilege: c.privilege,
            scope: c.scope,
            issuedBy: c.actor,
            issuedAt: c.at.toISOString(),
            reason: c.reason,
            expiresAt: c.expiresAt?.toISOString() ?? null,
          },
        },
      ];
    }
    if (!s.exists) throw notFound(Codes.GRANT_NOT_FOUND, 'No grant with this id.');
    if (s.revoked) {
      throw ruleViolated(Codes.GRANT_ALREADY_REVOKED, 'This grant is already revoked.', {
        revokedAt: s.revoked.revokedAt,
      });
    }
    return [
      {
        type: 'GrantRevoked',
        data: {
          grantId: s.grantId,
          principal: s.principal,
          privilege: s.privilege,
          scope: s.scope,
          revokedBy: c.actor,
          revokedAt: c.at.toISOString(),
          reason: c.reason,
          campaignId: c.campaignId,
        },
      },
    ];
  },
};
