import {
  DatasetName,
  OrchestrationEnvironmentName,
  QuotaDemand,
  QuotaExcess,
  ruleViolated,
  ServiceNameSchema,
  TeamName,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { BookingCalendarState } from '../../bookings/domain/booking-calendar.decide.js';
import type { DatasetPolicyView } from '../../data-policy/domain/data-policy.js';
import type { RegisteredEnvironment } from '../../environments/domain/environment.decide.js';
import type { QuotaState } from '../../quotas/domain/quota.decide.js';
import type { WindowInputsReader } from '../../windows/domain/window-check.js';
import { WindowVerdictView } from '../../windows/window-verdict-view.js';
import { checkDeployment } from '../domain/deploy-check.js';

const Body = z.strictObject({
  service: ServiceNameSchema,
  environment: OrchestrationEnvironmentName,
  releaseId: z.string().trim().min(1).max(200).nullable().default(null).describe('Checked against the bookings.'),
  team: TeamName.nullable().default(null).describe('Whose quota applies; none: no quota check.'),
  demand: QuotaDemand.default({ instances: 0, cpuUnits: 0, memoryUnits: 0 }),
  datasets: z.array(DatasetName).max(50).default([]),
  at: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
});
const Answer = z.object({
  allowed: z.literal(true),
  at: z.string(),
  checks: z.object({
    window: WindowVerdictView,
    booking: z.object({
      ok: z.boolean(),
      heldBy: z
        .object({
          bookingId: z.string(),
          releaseId: z.string(),
          phase: z.string(),
          from: z.string(),
          until: z.string(),
        })
        .nullable(),
    }),
    dataPolicy: z.object({
      ok: z.boolean(),
      refusals: z.array(
        z.object({
          dataset: z.string(),
          classification: z.string(),
          reason: z.enum(['no-attestation', 'attestation-expired']),
          lastExpiredAt: z.string().nullable(),
        }),
      ),
    }),
    quota: z.object({ status: z.enum(['no-quota', 'fits', 'refuse', 'queue']), exceeded: z.array(QuotaExcess) }),
  }),
});

export interface CheckDeploymentDeps {
  store: EventStore;
  now: () => Date;
  readWindows: WindowInputsReader;
  loadEnvironment(store: EventStore, name: string): Promise<{ environment: RegisteredEnvironment }>;
  loadBookings(store: EventStore, environment: string): Promise<{ state: BookingCalendarState }>;
  loadDatasets(store: EventStore, names: readonly string[]): Promise<DatasetPolicyView[]>;
  loadQuota(store: EventStore, team: string, environment: string): Promise<{ state: QuotaState }>;
}

/**
 * POST /deployments/check — may this deployment happen now: window, booking, data policy and quota together.
 * 200 when allowed; 409 problem+json when not, with the first refusal's code, every refusal and every check's
 * answer. Appends nothing: it is the question part 2's deployments ask through the same domain function.
 */
export const checkDeploymentRoute: FastifyPluginAsyncZod<CheckDeploymentDeps> = async (app, deps) => {
  const { store } = deps;
  app.post(
    '/deployments/check',
    {
      config: { roles: ['deployer', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Check a deployment against windows, bookings, data policy and quota',
        tags: ['deployments'],
        body: Body,
        response: { 200: Answer },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const at = b.at ? new Date(b.at) : deps.now();
      const { environment } = await deps.loadEnvironment(store, b.environment);
      const [windows, bookings, datasets, quota] = await Promise.all([
        deps.readWindows(at, b.service, b.environment),
        deps.loadBookings(store, b.environment),
        deps.loadDatasets(store, b.datasets),
        b.team ? deps.loadQuota(store, b.team, b.environment) : undefined,
      ]);
      const result = checkDeployment({
        at,
        service: b.service,
        environment: {
          name: environment.name,
          tier: environment.tier,
          region: environment.region,
          tornDownAt: environment.tornDownAt,
        },
        releaseId: b.releaseId,
        windows,
        bookings: bookings.state,
        datasets,
        quota: quota ? { state: quota.state, demand: b.demand } : null,
      });
      if (!result.allowed) {
        const first = result.refusals[0]!;
        throw ruleViolated(first.code, result.refusals.map((r) => r.detail).join(' '), {
          at: at.toISOString(),
          refusals: result.refusals,
          checks: result.checks,
        });
      }
      return reply.send({ allowed: true, at: at.toISOString(), checks: result.checks });
    },
  );
};
