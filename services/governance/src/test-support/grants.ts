import { randomUUID } from 'node:crypto';
import { GrantIssued, grantStream } from '@railyard/contracts';
import { specMetadata, waitFor } from '@railyard/testing';
import type { GovernanceFixture } from './governance-fixture.js';

/**
 * A `lead` grant on an environment as the grants capability records it (GrantIssued in `grant-<id>`), and the wait
 * until the rotations' grant ledger has learnt it (a projection of governance's own grant events).
 */
export async function issueLeadGrant(
  g: Pick<GovernanceFixture, 'store' | 'pool'>,
  principal: string,
  environment: string,
  window: { issuedAt: string; expiresAt?: string },
): Promise<string> {
  const grantId = randomUUID();
  const data = GrantIssued.schema.parse({
    grantId,
    principal,
    privilege: 'lead',
    scope: { environment },
    issuedBy: 'sec-officer',
    issuedAt: window.issuedAt,
    reason: 'deployment lead',
    expiresAt: window.expiresAt ?? null,
  });
  await g.store.append(
    grantStream(grantId),
    [{ id: randomUUID(), type: GrantIssued.type, data, metadata: specMetadata(new Date(window.issuedAt)) }],
    'noStream',
  );
  await waitFor(`the rotation ledger to learn ${principal}'s grant`, async () =>
    (await g.pool.query('SELECT 1 FROM governance.grant_ledger WHERE grant_id = $1', [grantId])).rowCount
      ? true
      : undefined,
  );
  return grantId;
}
