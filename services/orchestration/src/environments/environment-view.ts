import { DriftDifference, EnvironmentTier, OrchestrationEnvironmentName } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { RegisteredEnvironment } from './domain/environment.decide.js';

export const EnvironmentParams = z.strictObject({ name: OrchestrationEnvironmentName });

export const EnvironmentView = schemaComponent(
  'Environment',
  z.object({
    name: z.string(),
    service: z.string(),
    tier: EnvironmentTier,
    region: z.string(),
    iac: z.object({
      template: z.string(),
      version: z.string(),
      parameters: z.record(z.string(), z.unknown()),
      parametersSha256: z.string(),
    }),
    driftIgnore: z.array(z.string()),
    ttlMinutes: z.number().int().nullable(),
    expiresAt: z.string().nullable(),
    recreate: z.object({ cron: z.string(), timeZone: z.string() }).nullable(),
    registeredAt: z.string(),
    status: z.enum(['active', 'torn-down']),
    tornDownAt: z.string().nullable(),
    drift: z.object({ status: z.enum(['unknown', 'in-sync', 'drifted']), differences: z.array(DriftDifference) }),
    revision: z.number().int(),
  }),
);
export type EnvironmentView = z.infer<typeof EnvironmentView>;

export function environmentView(e: RegisteredEnvironment, revision: bigint): EnvironmentView {
  return {
    name: e.name,
    service: e.service,
    tier: e.tier,
    region: e.region,
    iac: e.iac,
    driftIgnore: e.driftIgnore,
    ttlMinutes: e.ttlMinutes,
    expiresAt: e.expiresAt,
    recreate: e.recreate,
    registeredAt: e.registeredAt,
    status: e.tornDownAt ? 'torn-down' : 'active',
    tornDownAt: e.tornDownAt,
    drift: e.drift,
    revision: Number(revision),
  };
}
