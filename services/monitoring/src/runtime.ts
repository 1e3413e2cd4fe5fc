import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type AnalysisTemplate, anomalyStream, busStreamNames, DEFAULT_SUBJECT_PREFIX } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { DurableConsumer, Relay } from '@railyard/messaging';
import { createDb, migrateSchema, type ProjectionRunner } from '@railyard/readmodels';
import {
  type App,
  type AuthConfig,
  createClosers,
  type Logger,
  observedGaugeSeries,
  type ReadinessCheck,
} from '@railyard/service-kit';
import { startServiceProjection, startServiceRelay, startStoreUpkeep } from '@railyard/service-kit/backbone';
import type pg from 'pg';
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

export interface MonitoringRuntimeOptions {
  store: EventStore;
  /** The service's database: read models, inbox, relay checkpoint. Owned by the caller. */
  pool: pg.Pool;
  auth: AuthConfig;
  logger: Logger;
  /** The bus; without it neither the relay nor the context consumers run (tests of the HTTP slices alone). */
  nats?: NatsConnection;
  subjectPrefix?: string;
  /** The JetStream stream capturing `<prefix>.>` (default: derived from the prefix). */
  busStream?: string;
  /** How often the Postgres log is sealed; false: no sealer in this process. */
  sealIntervalMs?: number | false;
  readiness?: Record<string, ReadinessCheck>;
  now?: () => Date;
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

/** The monitoring service's moving parts, wired once for main(), the tests and the bench. */
export async function startMonitoringRuntime(options: MonitoringRuntimeOptions): Promise<MonitoringRuntime> {
  const { store, pool, logger } = options;
  const closers = createClosers(logger);
  const close = () => closers.close();
  try {
    // The db shares the caller's pool; it is never destroyed here, since destroying it would end that pool.
    const db = createDb(pool);
    await migrateSchema(db, { schema: 'monitoring', migrations: monitoringMigrations });
    const publicUrl = options.publicUrl ?? 'http://127.0.0.1:4105';
    let relay: Relay | undefined;
    let consumers: DurableConsumer[] = [];
    if (options.nats) {
      const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
      relay = await startServiceRelay(
        { store, pool, nats: options.nats, service: 'monitoring', subjectPrefix: options.subjectPrefix },
        logger,
        closers,
      );
      consumers = createContextConsumers({
        store,
        js: jetstream(options.nats),
        jsm: await jetstreamManager(options.nats),
        pool,
        stream: options.busStream ?? busStreamNames(prefix).stream,
        subjectPrefix: prefix,
        logger,
      });
      const dependentsContext = deploymentContext(pool);
      const anomalyCommands = createAnomalyCommands(store);
      consumers.push(
        createDependentHealthConsumer({
          store,
          js: jetstream(options.nats),
          jsm: await jetstreamManager(options.nats),
          pool,
          stream: options.busStream ?? busStreamNames(prefix).stream,
          subjectPrefix: prefix,
          dependentsOf: (service) => dependentsContext.dependentsOf(service),
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
          logger,
        }),
      );
      consumers.push(
        createJourneysAfterStepsConsumer({
          store,
          js: jetstream(options.nats),
          jsm: await jetstreamManager(options.nats),
          pool,
          stream: options.busStream ?? busStreamNames(prefix).stream,
          subjectPrefix: prefix,
          logger,
        }),
      );
      if (options.pagerDuty) {
        consumers.push(
          createChangeEventsConsumer({
            js: jetstream(options.nats),
            jsm: await jetstreamManager(options.nats),
            pool,
            stream: options.busStream ?? busStreamNames(prefix).stream,
            subjectPrefix: prefix,
            target: options.pagerDuty,
            publicUrl,
            logger,
          }),
        );
      }
      for (const consumer of consumers) {
        await consumer.start();
        closers.add(`${consumer.name} consumer`, () => consumer.stop());
        observedGaugeSeries(
          'railyard_consumer_lag_messages',
          'Messages a durable consumer has not yet handled',
          'consumer',
          consumer.name,
          () => consumer.lag(),
        );
      }
    }
    const anomalyList = await startServiceProjection({ ...anomalyListProjection, store, db }, logger, closers);
    await startServiceProjection({ ...journeyIndexProjection, store, db }, logger, closers);
    startStoreUpkeep(store, { sealIntervalMs: options.sealIntervalMs }, logger, closers);

    const now = options.now ?? (() => new Date());
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
        (await context.runningWithCriteria()).map((r) => ({ subject: subjectOf(r.deployment), criteria: r.criteria })),
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
    closers.add('analysis watcher', () => watcher.stop());

    const watched = async (deploymentId: string): Promise<WatchedDeployment | 'unknown' | 'no-criteria'> => {
      const d = await context.deployment(deploymentId);
      if (!d) return 'unknown';
      const criteria = d.releaseId ? await context.criteria(d.releaseId, d.service) : undefined;
      return criteria ? { subject: subjectOf(d), criteria } : 'no-criteria';
    };
    const anomalies = createAnomalyCommands(store);
    const openFromAlert = anomaliesFromAlerts(
      anomalies,
      async (id) => (await context.deployment(id))?.releaseId ?? null,
    );
    const receiveAlert = createAlertIntake({
      store,
      onAlert: (alert, outcome, ctx) =>
        openFromAlert(
          {
            ...alert,
            deploymentId: outcome.deploymentId,
          },
          ctx,
        ),
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
    const journeys = createJourneyScheduler({ store, pool, now, tickMs: options.journeyTickMs || 10_000, logger });
    if (options.journeyTickMs !== false) journeys.start();
    closers.add('journey scheduler', () => journeys.stop());
    let escalator: Escalator | undefined;
    if (options.pagerDuty) {
      escalator = createEscalator({
        store,
        commands: anomalies,
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
      closers.add('escalator', () => started.stop());
    }
    const app = await buildMonitoringApp({
      store,
      samples,
      source,
      prometheus,
      deployment: (id) => context.deployment(id),
      watched,
      analysisTemplate: template,
      receiveAlert,
      auth: options.auth,
      logger,
      now,
      readiness: { store: () => store.ping(), ...options.readiness },
    });
    closers.add('http server', () => app.close());
    return { app, relay, consumers, watcher, anomalyList, journeys, escalator, close };
  } catch (error) {
    await close();
    throw error;
  }
}
