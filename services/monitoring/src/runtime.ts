import { randomUUID } from 'node:crypto';
import { type AnalysisTemplate, anomalyStream } from '@railyard/contracts';
import type { DurableConsumer, Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import { monitoringMigrations } from '../migrations/index.js';
import { createAlertIntake } from './alerts/alert-intake.js';
import { buildMonitoringApp } from './app.js';
import { createJudgementCommands, judgementStream } from './canary/canary-commands.js';
import { createDependentHealthConsumer } from './dependent-health/consumer.js';
import { createContextConsumers } from './deployment-context/consumers.js';
import { deploymentContext, type KnownDeployment } from './deployment-context/queries.js';
import { anomaliesFromAlerts } from './escalation/alert-anomalies.js';
import { createAnomalyCommands } from './escalation/anomaly-commands.js';
import { anomalyListProjection } from './escalation/anomaly-list/projection.js';
import { createChangeEventsConsumer } from './escalation/change-events.js';
import { createEscalator, type Escalator } from './escalation/escalator.js';
import type { PagerDutyTarget } from './escalation/pagerduty.js';
import { createJourneysAfterStepsConsumer } from './journeys/after-steps.js';
import { journeyIndexProjection } from './journeys/journey-index/projection.js';
import { createJourneyScheduler, type JourneyScheduler } from './journeys/journey-scheduler.js';
import type { MetricsSource } from './metrics/domain/metrics-source.js';
import { combinedSource, type PrometheusSourceOptions, prometheusSource } from './metrics/prometheus-source.js';
import { pushedSamples } from './metrics/pushed-samples.js';
import { type AnalysisWatcher, createAnalysisWatcher, type WatchedDeployment } from './rollback/analysis-watcher.js';
import { createWatchCommands } from './rollback/watch-commands.js';

export const DEFAULT_ANALYSIS_TEMPLATE: AnalysisTemplate = {
  count: 20,
  intervalSeconds: 30,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  shadow: false,
};

export interface MonitoringRuntimeOptions extends ServiceRuntimeBase {
  analysisTemplate?: AnalysisTemplate;
  /** Prometheus, for the metrics it has PromQL templates for; without it every metric comes from pushed samples. */
  prometheus?: PrometheusSourceOptions;
  /** How far back an alert is correlated with deployments (default 15 minutes). */
  alertWindowMinutes?: number;
  /** Escalation of unresolved anomalies and change events (M7); without it nothing is sent anywhere. */
  pagerDuty?: PagerDutyTarget;
  escalateAfterMinutes?: number;
  /** How often the escalator runs (default 30 s); false: only when `escalator.tick()` is called. */
  escalationTickMs?: number | false;
  /** This service's public base URL, for links in pages (default http://127.0.0.1:4105). */
  publicUrl?: string;
  /** Health endpoints by service (`{{environment}}` is replaced), checked on dependents after a deploy (M3). */
  healthUrls?: Record<string, string>;
  healthTimeoutMs?: number;
  /** How often the journey scheduler looks for scheduled journeys (default 10 s); false: only on `tick()`. */
  journeyTickMs?: number | false;
  /** How often the analysis watcher runs (default 5 s); false: only when `watcher.tick()` is called. */
  analysisTickMs?: number | false;
}

export interface MonitoringRuntime {
  app: App;
  relay?: Relay;
  consumers: DurableConsumer[];
  watcher: AnalysisWatcher;
  anomalyList: ProjectionRunner;
  journeys: JourneyScheduler;
  /** Only with a PagerDuty target. */
  escalator?: Escalator;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

const subjectOf = (d: KnownDeployment) => ({
  deploymentId: d.deploymentId,
  releaseId: d.releaseId,
  service: d.service,
  environment: d.environment,
  version: d.version,
  baselineVersion: d.baselineVersion,
});

interface MonitoringParts {
  watcher: AnalysisWatcher;
  journeys: JourneyScheduler;
  escalator?: Escalator;
  samples: ReturnType<typeof pushedSamples>;
  source: MetricsSource;
  prometheus?: ReturnType<typeof prometheusSource>;
  context: ReturnType<typeof deploymentContext>;
  template: AnalysisTemplate;
  publicUrl: string;
}

/**
 * The monitoring service's moving parts, wired by the kit's runtime for main(), the tests and the bench: its schema,
 * the anomaly-list and journey-index projections, the analysis watcher, journey scheduler and escalator, the context,
 * dependent-health, journey and change-event consumers, and the HTTP app (the relay and sealer come with the kit).
 */
export async function startMonitoringRuntime(options: MonitoringRuntimeOptions): Promise<MonitoringRuntime> {
  const runtime = await startServiceRuntime<unknown, 'anomalyList' | 'journeyIndex', MonitoringParts>({
    ...options,
    service: 'monitoring',
    migrations: monitoringMigrations,
    projections: { anomalyList: anomalyListProjection, journeyIndex: journeyIndexProjection },
    parts: ({ store, pool, logger, now, onClose }) => {
      const publicUrl = options.publicUrl ?? 'http://127.0.0.1:4105';
      const context = deploymentContext(pool);
      const samples = pushedSamples(pool);
      const prometheus = options.prometheus ? prometheusSource(options.prometheus) : undefined;
      const source: MetricsSource = combinedSource(samples, prometheus);
      const template = options.analysisTemplate ?? DEFAULT_ANALYSIS_TEMPLATE;
      const judgements = createJudgementCommands(store);
      const watcher = createAnalysisWatcher({
        store,
        commands: createWatchCommands(store),
        running: async () =>
          (await context.runningWithCriteria()).map((r) => ({
            subject: subjectOf(r.deployment),
            criteria: r.criteria,
            correlationId: r.deployment.correlationId,
          })),
        source,
        template,
        judgeCanary: async (input, subject, ctx) => {
          const judgementId = randomUUID();
          const result = await judgements.handle(
            judgementStream(judgementId),
            {
              type: 'JudgeCanary',
              actor: ctx.actor,
              at: ctx.now,
              judgementId,
              subject: {
                deploymentId: subject.deploymentId,
                service: subject.service,
                environment: subject.environment,
                canaryVersion: subject.version,
                ...(subject.baselineVersion ? { baselineVersion: subject.baselineVersion } : {}),
              },
              input,
            },
            ctx,
            { newStream: true },
          );
          if (!result.state.exists) throw new TypeError('a judgement leaves a judgement');
          const { score, verdict, metrics } = result.state.result;
          return {
            judgementId,
            score,
            verdict,
            metrics,
            canarySamples: input.metrics[0]?.canary.filter((v) => v !== null) ?? [],
          };
        },
        now,
        tickMs: options.analysisTickMs || 5000,
        logger,
      });
      if (options.analysisTickMs !== false) watcher.start();
      onClose('analysis watcher', () => watcher.stop());

      const journeys = createJourneyScheduler({ store, pool, now, tickMs: options.journeyTickMs || 10_000, logger });
      if (options.journeyTickMs !== false) journeys.start();
      onClose('journey scheduler', () => journeys.stop());
      let escalator: Escalator | undefined;
      if (options.pagerDuty) {
        escalator = createEscalator({
          store,
          commands: createAnomalyCommands(store),
          due: async (openedBefore) =>
            (
              await pool.query<{ anomaly_id: string }>(
                `SELECT anomaly_id FROM monitoring.anomaly_list
               WHERE status = 'open' AND escalated_at IS NULL AND opened_at <= $1 ORDER BY opened_at LIMIT 100`,
                [openedBefore],
              )
            ).rows.map((r) => r.anomaly_id),
          deployment: (id) => context.deployment(id),
          leadOf: (planId, releaseId) => context.leadOf(planId, releaseId),
          target: options.pagerDuty,
          afterMinutes: options.escalateAfterMinutes ?? 15,
          publicUrl,
          now,
          tickMs: options.escalationTickMs || 30_000,
          logger,
        });
        if (options.escalationTickMs !== false) escalator.start();
        const started = escalator;
        onClose('escalator', () => started.stop());
      }
      return { watcher, journeys, escalator, samples, source, prometheus, context, template, publicUrl };
    },
    consumers: ({ js, jsm, stream, subjectPrefix }, { store, pool, logger, parts }) => {
      const bus = { js, jsm, pool, stream, subjectPrefix, logger };
      const anomalyCommands = createAnomalyCommands(store);
      const consumers: DurableConsumer[] = [
        ...createContextConsumers({ store, ...bus }),
        createDependentHealthConsumer({
          store,
          ...bus,
          dependentsOf: (service) => parts.context.dependentsOf(service),
          healthUrl: (service, environment) =>
            options.healthUrls?.[service]?.replaceAll('{{environment}}', environment),
          timeoutMs: options.healthTimeoutMs ?? 5000,
          onUnhealthy: async (c) => {
            const anomalyId = randomUUID();
            const now = new Date();
            await anomalyCommands.handle(
              anomalyStream(anomalyId),
              {
                type: 'OpenAnomaly',
                actor: { id: 'monitoring-dependent-health', kind: 'system', roles: [] },
                opened: {
                  anomalyId,
                  source: 'health-check',
                  service: c.dependent,
                  environment: c.environment,
                  deploymentId: c.deploymentId,
                  releaseId: c.releaseId,
                  severity: 'error',
                  summary: c.message.slice(0, 1024),
                  openedAt: now.toISOString(),
                },
              },
              {
                actor: { id: 'monitoring-dependent-health', kind: 'system', roles: [] },
                now,
                correlationId: anomalyId,
              },
              { newStream: true },
            );
          },
        }),
        createJourneysAfterStepsConsumer({ store, ...bus }),
      ];
      if (options.pagerDuty) {
        consumers.push(createChangeEventsConsumer({ ...bus, target: options.pagerDuty, publicUrl: parts.publicUrl }));
      }
      return consumers;
    },
    buildApp: ({ store, now, parts, kit }) => {
      const { context, samples, source, prometheus, template } = parts;
      const watched = async (deploymentId: string): Promise<WatchedDeployment | 'unknown' | 'no-criteria'> => {
        const d = await context.deployment(deploymentId);
        if (!d) return 'unknown';
        const criteria = d.releaseId ? await context.criteria(d.releaseId, d.service) : undefined;
        return criteria ? { subject: subjectOf(d), criteria } : 'no-criteria';
      };
      const openFromAlert = anomaliesFromAlerts(
        createAnomalyCommands(store),
        async (id) => (await context.deployment(id))?.releaseId ?? null,
      );
      const receiveAlert = createAlertIntake({
        store,
        onAlert: (alert, outcome, ctx) => openFromAlert({ ...alert, deploymentId: outcome.deploymentId }, ctx),
        windowMinutes: options.alertWindowMinutes ?? 15,
        deployments: {
          providersOf: (service) => context.providersOf(service),
          deploymentsBetween: async (services, environment, from, to) =>
            (await context.deploymentsBetween(services, environment, from, to)).map((d) => ({
              deploymentId: d.deploymentId,
              service: d.service,
              environment: d.environment,
              version: d.version,
              at: d.startedAt ?? d.scheduledAt,
            })),
        },
      });
      return buildMonitoringApp({
        ...kit,
        store,
        samples,
        source,
        prometheus,
        deployment: (id) => context.deployment(id),
        watched,
        analysisTemplate: template,
        receiveAlert,
        now,
      });
    },
  });
  const { watcher, journeys, escalator } = runtime.parts;
  return {
    app: runtime.app,
    relay: runtime.relay,
    consumers: runtime.consumers,
    watcher,
    anomalyList: runtime.projections.anomalyList,
    journeys,
    escalator,
    close: runtime.close,
  };
}
