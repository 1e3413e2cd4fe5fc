import { randomUUID } from 'node:crypto';
import {
  type Actor,
  GrantIssued,
  GrantRevoked,
  type GrantScope,
  grantStream,
  type Privilege,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';

const GOVERNANCE: Actor = { id: 'governance-test', kind: 'system', roles: ['admin'] };

export interface GrantToIssue {
  principal: string;
  privilege: Privilege;
  scope: GrantScope;
  /** Default 2026-01-01T00:00:00Z: before every test clock of the repository. */
  issuedAt?: string;
  expiresAt?: string | null;
  issuedBy?: string;
  reason?: string;
}

/**
 * Appends a `GrantIssued` to `grant-<id>` as governance records it (parsed by the contract), for tests of the services
 * that enforce grants: governance's relay (or the enforcing service's catch-up) carries it to their ledgers.
 * Returns the grant id.
 */
export async function issueTestGrant(store: EventStore, g: GrantToIssue): Promise<string> {
  const grantId = randomUUID();
  const data = GrantIssued.schema.parse({
    grantId,
    principal: g.principal,
    privilege: g.privilege,
    scope: g.scope,
    issuedBy: g.issuedBy ?? 'ciso-test',
    issuedAt: g.issuedAt ?? '2026-01-01T00:00:00.000Z',
    reason: g.reason ?? `Test grant: ${g.privilege} for ${g.principal}.`,
    expiresAt: g.expiresAt ?? null,
  });
  await store.append(
    grantStream(grantId),
    [{ id: randomUUID(), type: GrantIssued.type, data, metadata: meta() }],
    'noStream',
  );
  return grantId;
}

/** Appends the `GrantRevoked` of a grant issued by issueTestGrant (by a campaign when `campaignId` is given). */
export async function revokeTestGrant(
  store: EventStore,
  grantId: string,
  g: Pick<GrantToIssue, 'principal' | 'privilege' | 'scope'> & { revokedAt: string; campaignId?: string | null },
): Promise<void> {
  const data = GrantRevoked.schema.parse({
    grantId,
    principal: g.principal,
    privilege: g.privilege,
    scope: g.scope,
    revokedBy: 'ciso-test',
    revokedAt: g.revokedAt,
    reason: g.campaignId ? 'Undecided at the campaign due date.' : 'Revoked in a test.',
    campaignId: g.campaignId ?? null,
  });
  await store.append(
    grantStream(grantId),
    [{ id: randomUUID(), type: GrantRevoked.type, data, metadata: meta() }],
    'streamExists',
  );
}

function meta() {
  const id = randomUUID();
  return {
    occurredAt: new Date().toISOString(),
    actor: GOVERNANCE,
    correlationId: id,
    causationId: id,
    schemaVersion: 1,
  };
}
