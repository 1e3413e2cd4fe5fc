import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentTier } from '../orchestration/names.js';
import { EnvironmentName } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Grants (G2): `grant-<id>`, owned by governance. A grant gives a principal a privilege on one environment or on
 * every environment of a tier. Other services learn grants from these events (a durable consumer each) and enforce
 * them: pipeline's approvals need `approve`, orchestration's deployments to a prod-tier environment need `deploy`,
 * a rollout's lead needs `lead`. A token role alone is never enough where a grant is required.
 *
 * A grant holds at instant T when it was issued at or before T, not revoked at or before T, and its `expiresAt` (if
 * any) is after T. Expiry needs no event: every reader compares `expiresAt` with the instant it asks about.
 */

export const Privilege = z.enum(['deploy', 'approve', 'lead']);
export type Privilege = z.infer<typeof Privilege>;

/** Where a grant applies: one environment by name, or every environment of a tier. */
export const GrantScope = z.union([
  z.strictObject({ environment: EnvironmentName }),
  z.strictObject({ tier: EnvironmentTier }),
]);
export type GrantScope = z.infer<typeof GrantScope>;

const grantId = z.uuid();
const principal = z.string().min(1).max(200).describe('The principal id as tokens carry it (`sub`).');
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });
const reason = z.string().min(1).max(2000);

export const GrantIssued = defineEvent(
  'GrantIssued',
  z.strictObject({
    grantId,
    principal,
    privilege: Privilege,
    scope: GrantScope,
    issuedBy: by,
    issuedAt: at,
    reason,
    expiresAt: at.nullable().describe('After this instant the grant no longer holds; null: until revoked.'),
  }),
  'A principal was given a privilege on an environment or a tier, by an issuer, for a reason, until an expiry.',
);

export const GrantRevoked = defineEvent(
  'GrantRevoked',
  z.strictObject({
    grantId,
    principal,
    privilege: Privilege,
    scope: GrantScope,
    revokedBy: by,
    revokedAt: at,
    reason,
    campaignId: z
      .uuid()
      .nullable()
      .describe('The access review campaign that revoked it (a decision or its due date); null: revoked directly.'),
  }),
  'A grant stopped holding: revoked by a person, or by an access review campaign (decided or undecided at due date).',
);

export const grantEvents = { GrantIssued, GrantRevoked } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type GrantEvent = {
  [K in keyof typeof grantEvents]: { type: K; data: DataOf<(typeof grantEvents)[K]> };
}[keyof typeof grantEvents];

/** `grant-<id>`. */
export const grantStream = (id: string) => streamName('grant', id);
