import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Incidents (G4): `incident-<id>`, owned by governance. Monitoring's `AnomalyEscalated` opens one automatically
 * (its id derived from the anomaly's); people classify, link, resolve and reopen them. The incident's timeline is its
 * stream: every event carries the instant it happened.
 */

/**
 * Severity, worded as PagerDuty's incident response documentation does:
 * SEV1 critical, public notice; SEV2 critical, many customers; SEV3 stability or minor customer impact;
 * SEV4 minor, no customer impact; SEV5 cosmetic.
 */
export const IncidentSeverity = z
  .enum(['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'])
  .describe(
    'SEV1: critical issue warranting public notification; SEV2: critical system issue actively impacting many ' +
      'customers; SEV3: stability or minor customer-impacting issue; SEV4: minor issue, no customer impact; ' +
      'SEV5: cosmetic issue or bug (PagerDuty incident response severity levels).',
  );
export type IncidentSeverity = z.infer<typeof IncidentSeverity>;

export const CHANGE_CAUSES = ['code', 'config', 'infrastructure', 'data-migration', 'feature-flag'] as const;
export const NON_CHANGE_CAUSES = ['provider', 'capacity', 'hardware', 'user-behaviour', 'security'] as const;

/** The cause taxonomy: a class, and within a class the cause. `unknown` has no cause. */
export const IncidentCause = z.discriminatedUnion('causeClass', [
  z.strictObject({ causeClass: z.literal('change_induced'), cause: z.enum(CHANGE_CAUSES) }),
  z.strictObject({ causeClass: z.literal('non_change'), cause: z.enum(NON_CHANGE_CAUSES) }),
  z.strictObject({ causeClass: z.literal('unknown'), cause: z.null() }),
]);
export type IncidentCause = z.infer<typeof IncidentCause>;
export const CauseClass = z.enum(['change_induced', 'non_change', 'unknown']);
export type CauseClass = z.infer<typeof CauseClass>;

/** The safeguard that would have prevented or caught the incident (a slug: `canary-analysis`, `config-validation`…). */
export const Safeguard = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lowercase slug (letters, digits, dashes)')
  .describe(
    'e.g. canary-analysis, automated-rollback, config-validation, migration-rehearsal, feature-flag, load-test',
  );

/** How a deployment relates to an incident: it caused it, or it was made to remedy it (rework). */
export const LinkRole = z.enum(['cause', 'remediation']);
export type LinkRole = z.infer<typeof LinkRole>;

const incidentId = z.uuid();
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });
const reason = z.string().min(1).max(2000);

export const IncidentOpened = defineEvent(
  'IncidentOpened',
  z.strictObject({
    incidentId,
    title: z.string().min(1).max(1024),
    severity: IncidentSeverity,
    service: ServiceNameSchema,
    environment: EnvironmentName.nullable(),
    source: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('anomaly'), anomalyId: z.uuid(), dedupKey: z.string().min(1).max(255) }),
      z.strictObject({ kind: z.literal('manual') }),
    ]),
    suspectedDeploymentId: z
      .uuid()
      .nullable()
      .describe('The deployment monitoring correlated the anomaly with: a hint, not an attribution (no link).'),
    openedAt: at,
    openedBy: by,
  }),
  'An incident was opened, by a person or automatically from an anomaly monitoring escalated.',
);
export const IncidentClassified = defineEvent(
  'IncidentClassified',
  z.strictObject({
    incidentId,
    severity: IncidentSeverity,
    causeClass: CauseClass,
    cause: z
      .enum([...CHANGE_CAUSES, ...NON_CHANGE_CAUSES])
      .nullable()
      .describe("Within the class's causes (see IncidentCause); null for unknown."),
    missingSafeguard: Safeguard.nullable(),
    classifiedBy: by,
    reason,
  }),
  'Someone set (or changed) the severity, the cause class and cause, and the missing safeguard.',
);
export const IncidentLinked = defineEvent(
  'IncidentLinked',
  z.strictObject({
    incidentId,
    deploymentId: z.uuid(),
    role: LinkRole,
    reason,
    linkedBy: by,
  }),
  'The incident was attributed to a deployment (cause), or a deployment was recorded as its remedy (remediation).',
);
export const IncidentResolved = defineEvent(
  'IncidentResolved',
  z.strictObject({ incidentId, resolvedAt: at, resolvedBy: by, resolution: reason }),
  'The incident is over.',
);
export const IncidentReopened = defineEvent(
  'IncidentReopened',
  z.strictObject({ incidentId, reopenedAt: at, reopenedBy: by, reason }),
  'A resolved incident came back.',
);

export const incidentEvents = {
  IncidentOpened,
  IncidentClassified,
  IncidentLinked,
  IncidentResolved,
  IncidentReopened,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type IncidentEvent = {
  [K in keyof typeof incidentEvents]: { type: K; data: DataOf<(typeof incidentEvents)[K]> };
}[keyof typeof incidentEvents];

/** `incident-<id>`. */
export const incidentStream = (id: string) => streamName('incident', id);

/** A service's owning team (G1's per-team figures): `serviceOwnership-<service>`, owned by governance. */
export const ServiceTeamAssigned = defineEvent(
  'ServiceTeamAssigned',
  z.strictObject({
    service: ServiceNameSchema,
    team: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'a lowercase team name (letters, digits, dashes)'),
    assignedBy: by,
  }),
  'The team owning a service, for DORA figures per team; the latest assignment applies to the whole history.',
);
export const serviceOwnershipEvents = { ServiceTeamAssigned } as const;
export type ServiceOwnershipEvent = { type: 'ServiceTeamAssigned'; data: DataOf<typeof ServiceTeamAssigned> };
/** `serviceOwnership-<service>`. */
export const serviceOwnershipStream = (service: string) => streamName('serviceOwnership', service);
