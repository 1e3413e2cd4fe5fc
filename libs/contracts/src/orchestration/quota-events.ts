import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { OrchestrationEnvironmentName, TeamName } from './names.js';

const team = TeamName;
const environment = OrchestrationEnvironmentName;
const deploymentId = z.string().min(1).max(200);
const units = z.number().int().min(0).max(1_000_000);

export const QuotaLimits = z.strictObject({
  concurrentDeployments: units,
  instances: units,
  cpuUnits: units,
  memoryUnits: units,
});
export type QuotaLimits = z.infer<typeof QuotaLimits>;

/** What one deployment declares it uses. */
export const QuotaDemand = z.strictObject({ instances: units, cpuUnits: units, memoryUnits: units });
export type QuotaDemand = z.infer<typeof QuotaDemand>;

/** One limit a deployment would break: the limit, what use would be, and by how much it is over. */
export const QuotaExcess = z.strictObject({
  limit: z.enum(['concurrentDeployments', 'instances', 'cpuUnits', 'memoryUnits']),
  max: units,
  wouldUse: z.number().int().min(0),
  over: z.number().int().min(1),
});
export type QuotaExcess = z.infer<typeof QuotaExcess>;

export const QuotaSet = defineEvent(
  'QuotaSet',
  z.strictObject({
    team,
    environment,
    limits: QuotaLimits,
    whenExceeded: z.enum(['refuse', 'queue']),
    setBy: z.string().min(1).max(200),
  }),
  "A team's limits in an environment, and whether deployments over them are refused or queued.",
);

export const QuotaReserved = defineEvent(
  'QuotaReserved',
  z.strictObject({ team, environment, deploymentId, demand: QuotaDemand, fromQueue: z.boolean() }),
  'A deployment holds part of the quota while it runs.',
);

export const QuotaReservationQueued = defineEvent(
  'QuotaReservationQueued',
  z.strictObject({ team, environment, deploymentId, demand: QuotaDemand, exceeded: z.array(QuotaExcess).min(1) }),
  'A deployment over quota waits (quota in queue mode); exceeded says which limits and by how much.',
);

export const QuotaReleased = defineEvent(
  'QuotaReleased',
  z.strictObject({ team, environment, deploymentId, wasQueued: z.boolean() }),
  'A deployment ended (or gave up waiting) and its share of the quota is free.',
);

/** The quota aggregate's catalogue (`quota-<team>.<environment>`). */
export const quotaEvents = { QuotaSet, QuotaReserved, QuotaReservationQueued, QuotaReleased } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type QuotaEvent = {
  [K in keyof typeof quotaEvents]: { type: K; data: DataOf<(typeof quotaEvents)[K]> };
}[keyof typeof quotaEvents];
