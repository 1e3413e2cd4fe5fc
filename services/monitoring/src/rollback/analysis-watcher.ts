import { randomUUID } from 'node:crypto';
import type {
  Actor,
  AnalysisMetricSpec,
  AnalysisTemplate,
  CanaryJudgeInput,
  Measurement,
  RollbackThresholds,
} from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import type { MetricsSource } from '../metrics/domain/metrics-source.js';
import {
  CANARY_THRESHOLDS,
  type CanaryOutcome,
  canaryMeasurement,
  measure,
  metricsFromCriteria,
} from './domain/analysis.js';
import { activeRun, type WatchSubject } from './domain/deployment-watch.js';
import { loadWatch, type WatchCommands, watchStream } from './watch-commands.js';

/** Analysis runs act as this system actor: their events say no person did it. */
export const ANALYSIS_ACTOR: Actor = { id: 'monitoring-analysis', kind: 'system', roles: [] };

/** A running deployment and its release's criteria, as the context consumers learnt them. */
export interface WatchedDeployment {
  subject: WatchSubject;
  criteria: RollbackThresholds;
  /** The deployment's correlation: its analysis events (and a rollback they raise) carry it. */
  correlationId?: string | null;
}

export interface AnalysisWatcher {
  /** One pass at the clock's time: starts runs for new deployments, takes the measurements that are due. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * M6's loop: every running deployment whose release published criteria for its service gets an analysis run (the
 * configured template); each run is measured every `intervalSeconds` against the metrics source until the limits or
 * the count decide it. Decisions are the decider's, on the folded stream, so two replicas racing append once.
 */
export function createAnalysisWatcher(deps: {
  store: EventStore;
  commands: WatchCommands;
  running: () => Promise<WatchedDeployment[]>;
  source: MetricsSource;
  template: AnalysisTemplate;
  /** Judges canary against baseline samples and records the judgement (the canary capability's command). */
  judgeCanary: (input: CanaryJudgeInput, subject: WatchSubject, ctx: CommandContext) => Promise<CanaryOutcome>;
  now: () => Date;
  tickMs: number;
  logger: Logger;
}): AnalysisWatcher {
  const { store, commands, source, now, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const series = (spec: AnalysisMetricSpec, metric: string, subject: WatchSubject, version: string, at: Date) =>
    source.query({
      metric,
      service: subject.service,
      environment: subject.environment,
      version,
      start: new Date(at.getTime() - spec.windowSeconds * 1000),
      end: at,
      stepSeconds: Math.max(1, Math.floor(spec.windowSeconds / 30)),
    });

  /** The canary metric: error rate and latency of the new version against the baseline's, judged as Kayenta does. */
  async function measureCanary(spec: AnalysisMetricSpec, subject: WatchSubject, ctx: CommandContext) {
    const baselineVersion = subject.baselineVersion;
    if (!baselineVersion) return canaryMeasurement(spec, { error: 'no baseline version to compare with' });
    const names = ['error-rate', `latency-p${spec.percentile ?? 95}`];
    const metrics = [];
    for (const name of names) {
      const [canary, baseline] = await Promise.all([
        series(spec, name, subject, subject.version, ctx.now),
        series(spec, name, subject, baselineVersion, ctx.now),
      ]);
      if (canary.kind === 'error') return canaryMeasurement(spec, { error: canary.message });
      if (baseline.kind === 'error') return canaryMeasurement(spec, { error: baseline.message });
      metrics.push({
        name,
        baseline: baseline.samples.map((s) => s.value),
        canary: canary.samples.map((s) => s.value),
        direction: 'increase' as const,
        critical: name === 'error-rate',
      });
    }
    return canaryMeasurement(
      spec,
      await deps.judgeCanary({ metrics, thresholds: { ...CANARY_THRESHOLDS } }, subject, ctx),
    );
  }

  async function measureAll(metrics: AnalysisMetricSpec[], subject: WatchSubject, ctx: CommandContext) {
    return Promise.all(
      metrics.map(
        async (spec): Promise<Measurement> =>
          spec.kind === 'canary'
            ? measureCanary(spec, subject, ctx)
            : measure(spec, await series(spec, spec.metric, subject, subject.version, ctx.now)),
      ),
    );
  }

  async function watch(w: WatchedDeployment, ctx: CommandContext): Promise<number> {
    const stream = watchStream(w.subject.deploymentId);
    let appended = 0;
    let { state } = await loadWatch(store, w.subject.deploymentId);
    if (state.runs.length === 0) {
      const started = await commands.handle(
        stream,
        {
          type: 'StartAnalysis',
          actor: ANALYSIS_ACTOR,
          at: ctx.now,
          runId: randomUUID(),
          subject: w.subject,
          template: deps.template,
          metrics: metricsFromCriteria(w.criteria, w.subject.baselineVersion !== null),
          onlyFirst: true,
        },
        ctx,
      );
      appended += started.events.length;
      state = started.state;
    }
    const run = activeRun(state);
    if (!run) return appended;
    const last = run.measurements.at(-1);
    const dueAt = last ? Date.parse(last.measuredAt) + run.started.template.intervalSeconds * 1000 : 0;
    if (ctx.now.getTime() < dueAt) return appended;
    const measurements = await measureAll(run.started.metrics, run.started, ctx);
    const result = await commands.handle(
      stream,
      {
        type: 'RecordMeasurement',
        actor: ANALYSIS_ACTOR,
        at: ctx.now,
        runId: run.started.runId,
        index: run.measurements.length,
        measurements,
      },
      ctx,
    );
    return appended + result.events.length;
  }

  async function pass(): Promise<number> {
    const at = now();
    const ctx: CommandContext = { actor: ANALYSIS_ACTOR, now: at, correlationId: `analysis-${at.toISOString()}` };
    let appended = 0;
    for (const w of await deps.running()) {
      try {
        appended += await watch(w, w.correlationId ? { ...ctx, correlationId: w.correlationId } : ctx);
      } catch (err) {
        // One deployment's failure must not starve the others; the next pass tries it again.
        logger.warn({ err, deploymentId: w.subject.deploymentId }, 'analysis of a deployment failed');
      }
    }
    return appended;
  }

  const tick = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => logger.warn({ err }, 'analysis pass failed'));
      }, deps.tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
