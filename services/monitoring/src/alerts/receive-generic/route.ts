import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { type AlertIntake, labelFingerprint } from '../alert-intake.js';
import { AlertsAnswer, Fingerprint, Labels, normaliseTime } from '../alert-outcome.js';

const Body = z.strictObject({
  alerts: z
    .array(
      z.strictObject({
        fingerprint: Fingerprint.optional().describe('Default: derived from the labels.'),
        status: z.enum(['firing', 'resolved']),
        labels: Labels.refine((l) => Object.keys(l).length > 0, 'at least one label'),
        annotations: Labels.optional(),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

/** POST /alerts — alerts in a generic JSON format, for sources other than Alertmanager. */
export const receiveGenericRoute: FastifyPluginAsyncZod<{ receive: AlertIntake; now: () => Date }> = async (
  app,
  { receive, now },
) => {
  app.post(
    '/alerts',
    {
      config: { roles: ['sre'] },
      schema: {
        summary: 'Receive alerts in the generic format',
        description:
          'Same deduplication and correlation as the Alertmanager receiver; a missing fingerprint is derived from the ' +
          'labels (sha-256 of the sorted pairs).',
        tags: ['alerts'],
        body: Body,
        response: { 200: AlertsAnswer },
      },
    },
    async (request) => {
      const ctx = commandContext(request, { now: now() });
      const alerts = [];
      for (const a of request.body.alerts) {
        alerts.push(
          await receive(
            {
              fingerprint: a.fingerprint ?? labelFingerprint(a.labels),
              status: a.status,
              source: 'generic',
              labels: a.labels,
              annotations: a.annotations ?? {},
              startsAt: normaliseTime(a.startsAt),
              endsAt: a.endsAt ? normaliseTime(a.endsAt) : null,
            },
            ctx,
          ),
        );
      }
      return { alerts };
    },
  );
};
