import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

/** The answer of the window check, as both the windows endpoint and the deploy check show it. */
export const WindowVerdictView = schemaComponent(
  'WindowVerdict',
  z.object({
    allowed: z.boolean(),
    verdict: z.enum(['no-windows', 'inside-allow', 'outside-allow', 'denied', 'overridden']),
    decidedBy: z.array(
      z.object({
        source: z.enum(['window', 'holiday']),
        calendarId: z.string(),
        calendarName: z.string(),
        windowId: z.string().nullable(),
        kind: z.enum(['allow', 'deny']),
        purpose: z.enum(['window', 'business-critical', 'peak-hours', 'holiday']),
        reason: z.string().nullable(),
        activeFrom: z.string().nullable(),
        activeUntil: z.string().nullable(),
        nextStart: z.string().nullable(),
      }),
    ),
    override: z
      .object({
        overrideId: z.string(),
        service: z.string(),
        environment: z.string(),
        from: z.string(),
        until: z.string(),
        reason: z.string(),
        grantedBy: z.string(),
      })
      .nullable(),
  }),
);
