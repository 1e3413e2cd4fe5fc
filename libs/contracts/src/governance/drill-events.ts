import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Rollback drills (G6, R2): `rollbackDrill-<service>`, owned by governance. Each service has a drill schedule
 * (quarterly by default); a drill's result is recorded; a schedule whose due date passes with no drill recorded is
 * declared overdue by governance's scheduler. Planning consumes these events (never governance's tables): a service
 * in a release's scope with an overdue drill raises the release's risk score until a drill is recorded.
 */

const service = ServiceNameSchema;
const by = z.string().min(1).max(200);
const at = z.iso.datetime({ offset: true });

export const RollbackDrillScheduled = defineEvent(
  'RollbackDrillScheduled',
  z.strictObject({
    service,
    intervalDays: z.number().int().min(1).max(366).describe('Days between drills; 91 (quarterly) by default.'),
    nextDueAt: at,
    scheduledBy: by,
    reason: z.string().min(1).max(2000),
  }),
  "A service's rollback drill schedule was set (or changed): how often, and when the next drill is due.",
);

export const RollbackDrillRecorded = defineEvent(
  'RollbackDrillRecorded',
  z.strictObject({
    drillId: z.uuid(),
    service,
    performedAt: at,
    timeToRollbackSeconds: z.number().min(0).describe('From the decision to roll back to the old version serving.'),
    dataIntact: z.boolean().describe('Whether the data was intact after the rollback.'),
    issues: z.array(z.string().min(1).max(2000)).max(100).describe('What the drill found.'),
    recordedBy: by,
    nextDueAt: at.describe('When the next drill is due (performedAt + the interval).'),
  }),
  "A rollback drill was performed and its result recorded; it clears the service's overdue flag.",
);

export const RollbackDrillOverdue = defineEvent(
  'RollbackDrillOverdue',
  z.strictObject({ service, dueAt: at, detectedAt: at }),
  "A service's drill due date passed with no drill recorded. It stays overdue until a RollbackDrillRecorded.",
);

export const rollbackDrillEvents = { RollbackDrillScheduled, RollbackDrillRecorded, RollbackDrillOverdue } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type RollbackDrillEvent = {
  [K in keyof typeof rollbackDrillEvents]: { type: K; data: DataOf<(typeof rollbackDrillEvents)[K]> };
}[keyof typeof rollbackDrillEvents];

/** `rollbackDrill-<service>`. */
export const rollbackDrillStream = (service: string) => streamName('rollbackDrill', service);
