import { ServiceNameSchema } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

export const ServiceParams = z.strictObject({ service: ServiceNameSchema });

/** A service's drill schedule as the API shows it. */
export const DrillScheduleView = schemaComponent(
  'DrillSchedule',
  z.object({
    service: z.string(),
    intervalDays: z.number().int(),
    nextDueAt: z.string().nullable(),
    overdue: z.boolean().describe('The due date has passed (on the service clock) with no drill recorded since.'),
    overdueDeclaredFor: z.string().nullable().describe('The due date RollbackDrillOverdue was appended for, if any.'),
    lastPerformedAt: z.string().nullable(),
  }),
);
