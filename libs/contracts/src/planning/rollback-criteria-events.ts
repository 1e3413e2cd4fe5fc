import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** The thresholds monitoring enforces for one service of a release (P6, read by monitoring's M6). */
export const RollbackThresholds = z.strictObject({
  errorRate: z.strictObject({
    maxPercent: z.number().min(0).max(100),
    windowSeconds: z.number().int().min(10).max(86_400),
  }),
  latency: z.strictObject({
    percentile: z.number().min(50).max(100),
    maxMs: z.number().int().positive().max(600_000),
    windowSeconds: z.number().int().min(10).max(86_400),
  }),
  healthChecks: z.strictObject({
    maxConsecutiveFailures: z.number().int().min(1).max(100),
    intervalSeconds: z.number().int().min(1).max(3600),
  }),
  dataIntegrityChecks: z.array(z.string().min(1).max(200)).max(50),
});
export type RollbackThresholds = z.infer<typeof RollbackThresholds>;

export const RollbackCriteriaPublished = defineEvent(
  'RollbackCriteriaPublished',
  z.strictObject({
    releaseId: z.uuid(),
    service: z.string().min(1).max(100),
    criteria: RollbackThresholds,
    publishedBy: z.string().min(1).max(200),
  }),
  'Rollback criteria for one service of a release; replaces earlier criteria for that service. Monitoring enforces them.',
);

export const rollbackCriteriaEvents = { RollbackCriteriaPublished } as const;
