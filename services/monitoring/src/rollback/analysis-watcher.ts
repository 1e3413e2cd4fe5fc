import { randomUUID } from 'node:crypto';
import type { Actor, AnalysisMetricSpec, AnalysisTemplate, RollbackThresholds } from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import type { Logger } from '@railyard/service-kit';
import type { MetricsSource } from '../metrics/domain/metrics-source.js';
import { measure, metricsFromCriteria } from './domain/analysis.js';
import { activeRun, type WatchSubject } from './domain/deployment-watch.js';
import { loadWatch, type WatchCommands, watchStream } from './watch-commands.js';

/** Analysis runs act as this system actor: their events say no person did it. */
export const ANALYSIS_ACTOR: Actor = { id: 'monitoring-analysis', kind: 'system', roles: [] };

/** A running deployment and its release's criteria, as the context consumers learnt them. */
export interface WatchedDeployment {
  subject: WatchSubject;
  criteria: RollbackThresholds;
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
  now: () => Date;
  tickMs: number;
  logger: Logger;
}): AnalysisWatcher {
  const { store, commands, source, now, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function measureAll(metrics: AnalysisMetricSpec[], subject: WatchSubject, at: Date) {
    return Promise.all(
      metrics.map(async (spec) => {
        const stepSeconds = Math.max(1, Math.floor(spec.windowSeconds / 30));
        const observed = await source.query({
          metric: spec.metric,
          service: subject.service,
          environment: subject.environment,
          version: subject.version,
          start: new Date(at.getTime() - spec.windowSeconds * 1000),
          end: at,
          stepSeconds,
        });
        return measure(spec, observed);
      }),
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
          metrics: metricsFromCriteria(w.criteria),
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
    const measurements = await measureAll(run.started.metrics, run.started, ctx.now);
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
        appended += await watch(w, ctx);
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
