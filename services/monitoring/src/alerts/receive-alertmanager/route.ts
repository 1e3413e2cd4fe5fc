import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { AlertIntake } from '../alert-intake.js';
import { AlertsAnswer, Fingerprint, Labels, normaliseTime } from '../alert-outcome.js';

/**
 * Alertmanager's webhook payload, version "4" (prometheus/alertmanager notify/webhook): newer Alertmanagers add
 * fields, so unknown ones are tolerated (stripped) here, unlike this service's own commands.
 */
const AlertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(4000).optional(),
  fingerprint: Fingerprint,
});
const Body = z.object({
  version: z.literal('4'),
  groupKey: z.string().max(4000),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200),
  groupLabels: Labels,
  commonLabels: Labels,
  commonAnnotations: Labels,
  externalURL: z.string().max(4000),
  alerts: z.array(AlertmanagerAlert).min(1).max(1000),
});

/** POST /alerts/alertmanager — Alertmanager's webhook receiver (`webhook_configs.url`). */
export const receiveAlertmanagerRoute: FastifyPluginAsyncZod<{ receive: AlertIntake; now: () => Date }> = async (
  app,
  { receive, now },
) => {
  app.post(
    '/alerts/alertmanager',
    {
      config: { roles: ['sre'] },
      schema: {
        summary: 'Receive alerts from Alertmanager',
        description:
          'Webhook version 4. Each alert is deduplicated by fingerprint and status, and correlated with the newest ' +
          'deployment of its service (label `service` or `app`) or of a service it depends on in the window before it ' +
          'started: `same-service`, `dependency` or `none-in-window`. Another version, or no alerts, is refused.',
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
              fingerprint: a.fingerprint,
              status: a.status,
              source: 'alertmanager',
              labels: a.labels,
              annotations: a.annotations,
              startsAt: normaliseTime(a.startsAt),
              // A firing alert's endsAt is Alertmanager's resolve timeout (or year 1), not an end.
              endsAt:
                a.status === 'resolved' && a.endsAt && !Number.isNaN(Date.parse(a.endsAt))
                  ? normaliseTime(a.endsAt)
                  : null,
            },
            ctx,
          ),
        );
      }
      return { alerts };
    },
  );
};
