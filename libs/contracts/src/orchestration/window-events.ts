import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { ServiceNameSchema } from '../pipeline/definition-events.js';
import { EnvironmentTier, OrchestrationEnvironmentName } from './names.js';

const calendarId = z.uuid();
const actorId = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });

/** Which deployments a window or holiday rule applies to; an empty list matches everything (Argo CD's rule). */
export const WindowSelectors = z.strictObject({
  services: z.array(ServiceNameSchema).max(100),
  environments: z.array(OrchestrationEnvironmentName).max(100),
  tiers: z.array(EnvironmentTier).max(6),
  regions: z.array(z.string().min(1).max(64)).max(100),
});
export type WindowSelectors = z.infer<typeof WindowSelectors>;

/** Regional public holidays from `date-holidays`: a country (ISO 3166-1), optionally a state, and holiday types. */
export const HolidayRule = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/),
  state: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/)
    .nullable(),
  types: z.array(z.enum(['public', 'bank', 'school', 'optional', 'observance'])).min(1),
});
export type HolidayRule = z.infer<typeof HolidayRule>;

export const DeploymentCalendarCreated = defineEvent(
  'DeploymentCalendarCreated',
  z.strictObject({
    calendarId,
    name: z.string().min(1).max(200),
    holidays: z.array(HolidayRule).max(50).describe('Holiday rules: each holiday is a deny window for the day.'),
    holidaySelectors: WindowSelectors.describe('Which deployments the holidays block.'),
    createdBy: actorId,
  }),
  'A calendar of deployment windows, with the regional holidays that deny deployments.',
);

export const DeploymentWindowAdded = defineEvent(
  'DeploymentWindowAdded',
  z.strictObject({
    calendarId,
    windowId: z.uuid(),
    kind: z.enum(['allow', 'deny']),
    purpose: z.enum(['window', 'business-critical', 'peak-hours']),
    schedule: z.string().min(1).max(200).describe('Cron expression of the window starts, in timeZone.'),
    durationMinutes: z.number().int().min(1).max(525_600),
    timeZone: z.string().min(1).max(64),
    selectors: WindowSelectors,
    reason: z.string().min(1).max(1000).nullable(),
    addedBy: actorId,
  }),
  'An allow or deny window (Argo CD sync-window semantics): starts by cron in a time zone, lasts durationMinutes.',
);

export const DeploymentWindowRemoved = defineEvent(
  'DeploymentWindowRemoved',
  z.strictObject({ calendarId, windowId: z.uuid(), removedBy: actorId }),
  'A window no longer applies.',
);

/** The deployment calendar's catalogue (`deploymentCalendar-<id>`). */
export const deploymentCalendarEvents = {
  DeploymentCalendarCreated,
  DeploymentWindowAdded,
  DeploymentWindowRemoved,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type DeploymentCalendarEvent = {
  [K in keyof typeof deploymentCalendarEvents]: { type: K; data: DataOf<(typeof deploymentCalendarEvents)[K]> };
}[keyof typeof deploymentCalendarEvents];

export const EmergencyOverrideGranted = defineEvent(
  'EmergencyOverrideGranted',
  z.strictObject({
    overrideId: z.uuid(),
    service: ServiceNameSchema,
    environment: OrchestrationEnvironmentName,
    from: at,
    until: at,
    reason: z.string().min(1).max(2000),
    grantedBy: actorId,
    grantedWithRole: z.enum(['deployment-lead', 'admin']),
  }),
  'A deployment-lead or admin lets deployments of a service to an environment through the windows for a while.',
);

/** The window override's catalogue (`windowOverride-<id>`). */
export const windowOverrideEvents = { EmergencyOverrideGranted } as const;
export type WindowOverrideEvent = {
  type: 'EmergencyOverrideGranted';
  data: z.infer<typeof EmergencyOverrideGranted.schema>;
};
