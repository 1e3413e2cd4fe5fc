import { OrchestrationEnvironmentName, QuotaDemand, QuotaLimits, TeamName } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type QuotaState, quotaUse } from './domain/quota.decide.js';

export const QuotaParams = z.strictObject({ team: TeamName, environment: OrchestrationEnvironmentName });
const Hold = z.object({ deploymentId: z.string(), demand: QuotaDemand });
export const QuotaView = schemaComponent(
  'Quota',
  z.object({
    team: z.string(),
    environment: z.string(),
    limits: QuotaLimits,
    whenExceeded: z.enum(['refuse', 'queue']),
    use: QuotaLimits.describe('What the held reservations use now.'),
    reservations: z.array(Hold),
    queue: z.array(Hold).describe('Waiting deployments, oldest first.'),
    revision: z.number().int(),
  }),
);
export type QuotaView = z.infer<typeof QuotaView>;

export function quotaView(q: Extract<QuotaState, { exists: true }>, revision: bigint): QuotaView {
  return {
    team: q.team,
    environment: q.environment,
    limits: q.limits,
    whenExceeded: q.whenExceeded,
    use: quotaUse(q.reservations),
    reservations: q.reservations,
    queue: q.queue,
    revision: Number(revision),
  };
}
