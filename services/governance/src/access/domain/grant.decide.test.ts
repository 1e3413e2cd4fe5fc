import { GovernanceErrorCodes as Codes, type GrantEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { grantDecider } from './grant.decide.js';

const grantId = '0193a000-0000-7000-8000-0000000000a1';
const at = new Date('2026-11-02T09:00:00Z');
const later = new Date('2026-11-03T09:00:00Z');
const scope = { environment: 'checkout-prod' };
const issue = {
  type: 'IssueGrant' as const,
  grantId,
  principal: 'alice',
  privilege: 'deploy' as const,
  scope,
  reason: 'on call',
  expiresAt: later,
  actor: 'admin-1',
  at,
};
const issued: GrantEvent = {
  type: 'GrantIssued',
  data: {
    grantId,
    principal: 'alice',
    privilege: 'deploy',
    scope,
    issuedBy: 'admin-1',
    issuedAt: at.toISOString(),
    reason: 'on call',
    expiresAt: later.toISOString(),
  },
};
const revoke = { type: 'RevokeGrant' as const, reason: 'left', campaignId: null, actor: 'admin-2', at: later };
const revoked: GrantEvent = {
  type: 'GrantRevoked',
  data: {
    grantId,
    principal: 'alice',
    privilege: 'deploy',
    scope,
    revokedBy: 'admin-2',
    revokedAt: later.toISOString(),
    reason: 'left',
    campaignId: null,
  },
};

describe('grant decider', () => {
  describe('when none exists', () => {
    it('issues it, the issuer being the actor', () => {
      spec(grantDecider).when(issue).then([issued]);
    });
    it('issues one without expiry', () => {
      spec(grantDecider)
        .when({ ...issue, expiresAt: null })
        .then([{ type: 'GrantIssued', data: { ...issued.data, expiresAt: null } } as GrantEvent]);
    });
    it('refuses an expiry at or before now', () => {
      spec(grantDecider)
        .when({ ...issue, expiresAt: at })
        .thenThrows(Codes.GRANT_EXPIRY_PAST);
    });
    it('cannot revoke what does not exist', () => {
      spec(grantDecider).when(revoke).thenThrows(Codes.GRANT_NOT_FOUND);
    });
  });
  describe('when issued', () => {
    it('is revoked by the actor, with the campaign when one revokes it', () => {
      spec(grantDecider).given([issued]).when(revoke).then([revoked]);
      const campaignId = '0193a000-0000-7000-8000-0000000000c1';
      spec(grantDecider)
        .given([issued])
        .when({ ...revoke, campaignId })
        .then([{ type: 'GrantRevoked', data: { ...revoked.data, campaignId } } as GrantEvent]);
    });
    it('is not issued twice', () => {
      spec(grantDecider).given([issued]).when(issue).thenThrows(Codes.GRANT_EXISTS);
    });
  });
  describe('when revoked', () => {
    it('is not revoked again', () => {
      spec(grantDecider).given([issued, revoked]).when(revoke).thenThrows(Codes.GRANT_ALREADY_REVOKED);
    });
  });
});
