import { AlertLabels } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

export const AlertOutcomeView = schemaComponent(
  'AlertOutcome',
  z.object({
    fingerprint: z.string(),
    status: z.enum(['firing', 'resolved']),
    duplicate: z.boolean().describe('Already received with this status: nothing recorded.'),
    relation: z.enum(['same-service', 'dependency', 'none-in-window']),
    deploymentId: z.uuid().nullable(),
    reason: z.string(),
  }),
);
export const AlertsAnswer = z.object({ alerts: z.array(AlertOutcomeView) });
export const Fingerprint = z.string().regex(/^[A-Za-z0-9_.]{1,200}$/, 'letters, digits, _ and . (no dash)');
export const Labels = AlertLabels;
/** An RFC 3339 time, normalised to milliseconds (Alertmanager sends nanoseconds). */
export const normaliseTime = (t: string) => new Date(t).toISOString();
