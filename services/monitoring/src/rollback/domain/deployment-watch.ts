import {
  type Actor,
  type AnalysisMetricSpec,
  type AnalysisTemplate,
  type DeploymentWatchEvent,
  type Measurement,
  MonitoringErrorCodes,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { type MetricTally, type Phase, runPhase, tally } from './analysis.js';

type Data<T extends DeploymentWatchEvent['type']> = Extract<DeploymentWatchEvent, { type: T }>['data'];

export interface RunState {
  started: Data<'AnalysisRunStarted'>;
  measurements: Data<'AnalysisMeasured'>[];
  completed: Data<'AnalysisRunCompleted'> | null;
}

/** Monitoring's view of one deployment (`deploymentWatch-<deploymentId>`): its analysis runs and its rollback. */
export interface DeploymentWatchState {
  runs: RunState[];
  rollback: Data<'RollbackTriggered'> | null;
  shadowed: Data<'RollbackShadowed'> | null;
  /** Dependent health checks after deploys (M3). */
  healthChecks: Data<'DependentHealthChecked'>[];
}

export type WatchSubject = Pick<
  Data<'AnalysisRunStarted'>,
  'deploymentId' | 'releaseId' | 'service' | 'environment' | 'version' | 'baselineVersion'
>;

export interface StartAnalysis {
  type: 'StartAnalysis';
  actor: Actor;
  at: Date;
  runId: string;
  subject: WatchSubject;
  template: AnalysisTemplate;
  metrics: AnalysisMetricSpec[];
  /** Only when no run ever started (the watcher's automatic run); a person may start another after one ended. */
  onlyFirst: boolean;
}

export interface RecordMeasurement {
  type: 'RecordMeasurement';
  actor: Actor;
  at: Date;
  runId: string;
  /** The index the measurer read: a replica that measured the same slot concurrently appends nothing. */
  index: number;
  measurements: Measurement[];
}

export interface RecordHealthCheck {
  type: 'RecordHealthCheck';
  actor: Actor;
  check: Data<'DependentHealthChecked'>;
}

export type WatchCommand = StartAnalysis | RecordMeasurement | RecordHealthCheck;

export const activeRun = (state: DeploymentWatchState): RunState | undefined => {
  const last = state.runs.at(-1);
  return last && !last.completed ? last : undefined;
};

/** Per metric of a run, its tally over the measurements so far. */
export function tallies(run: Pick<RunState, 'started' | 'measurements'>): MetricTally[] {
  return run.started.metrics.map((spec) =>
    tally(
      spec.metric,
      run.measurements.map((m) => (m.measurements.find((x) => x.metric === spec.metric)?.phase ?? 'Nodata') as Phase),
      run.started.template,
    ),
  );
}

/** The evidence of a failed run: the failing metric's latest failed measurement and its first bad sample. */
function evidence(run: RunState, failing: MetricTally) {
  const failed = run.measurements
    .map((m) => m.measurements.find((x) => x.metric === failing.metric))
    .filter((m): m is Measurement => m?.phase === 'Failed');
  const last = failed.at(-1)!;
  const firstBad = failed.map((m) => m.firstBadSampleAt).find((t) => t !== null) ?? null;
  return { last, firstBad, count: failed.length };
}

export const deploymentWatchDecider: Decider<WatchCommand, DeploymentWatchEvent, DeploymentWatchState> = {
  initialState: { runs: [], rollback: null, shadowed: null, healthChecks: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'AnalysisRunStarted':
        return { ...state, runs: [...state.runs, { started: event.data, measurements: [], completed: null }] };
      case 'AnalysisMeasured':
      case 'AnalysisRunCompleted': {
        const runs = state.runs.map((r) => {
          if (r.started.runId !== event.data.runId) return r;
          return event.type === 'AnalysisMeasured'
            ? { ...r, measurements: [...r.measurements, event.data] }
            : { ...r, completed: event.data };
        });
        return { ...state, runs };
      }
      case 'RollbackTriggered':
        return { ...state, rollback: event.data };
      case 'RollbackShadowed':
        return { ...state, shadowed: event.data };
      case 'DependentHealthChecked':
        return { ...state, healthChecks: [...(state.healthChecks ?? []), event.data] };
    }
  },
  decide(command, state) {
    if (command.type === 'RecordHealthCheck') {
      // A redelivered deploy event checks again; the same check (same id) is recorded once.
      if (state.healthChecks.some((c) => c.checkId === command.check.checkId)) return [];
      return [{ type: 'DependentHealthChecked', data: command.check }];
    }
    if (command.type === 'StartAnalysis') {
      if (command.onlyFirst && state.runs.length > 0) return [];
      if (activeRun(state)) {
        throw ruleViolated(MonitoringErrorCodes.ANALYSIS_RUNNING, 'An analysis run of this deployment is running.');
      }
      return [
        {
          type: 'AnalysisRunStarted',
          data: {
            ...command.subject,
            runId: command.runId,
            template: command.template,
            metrics: command.metrics,
            startedAt: command.at.toISOString(),
          },
        },
      ];
    }
    const run = activeRun(state);
    // Another replica measured this slot, or the run ended meanwhile: nothing to add.
    if (!run || run.started.runId !== command.runId || run.measurements.length !== command.index) return [];
    const measured: Data<'AnalysisMeasured'> = {
      deploymentId: run.started.deploymentId,
      runId: run.started.runId,
      index: command.index,
      measuredAt: command.at.toISOString(),
      measurements: command.measurements,
    };
    const after = { ...run, measurements: [...run.measurements, measured] };
    const metrics = tallies(after);
    const phase = runPhase(metrics);
    const events: DeploymentWatchEvent[] = [{ type: 'AnalysisMeasured', data: measured }];
    if (phase === 'Running') return events;
    const worst = metrics.find((m) => m.phase === phase);
    events.push({
      type: 'AnalysisRunCompleted',
      data: {
        deploymentId: run.started.deploymentId,
        runId: run.started.runId,
        phase,
        metrics: metrics.map((m) => ({ ...m, phase: m.phase === 'Running' ? 'Successful' : m.phase })),
        completedAt: command.at.toISOString(),
        reason:
          phase === 'Successful' || phase === 'Nodata' || !worst
            ? `${after.measurements.length} of ${run.started.template.count} measurements: ${phase}`
            : `${worst.metric} is ${phase} (${worst.failed} failed, ${worst.inconclusive} inconclusive, ` +
              `${worst.consecutiveErrors} consecutive errors)`,
      },
    });
    // Only a Failed run rolls back: Error (a source down), Inconclusive and Nodata never do.
    if (phase !== 'Failed' || !worst) return events;
    const shadow = run.started.template.shadow;
    if (shadow ? state.shadowed : state.rollback) return events; // idempotent per deployment
    const { last, firstBad, count } = evidence(after, worst);
    const data = {
      deploymentId: run.started.deploymentId,
      releaseId: run.started.releaseId,
      service: run.started.service,
      environment: run.started.environment,
      criterion: { kind: last.kind, metric: last.metric, threshold: last.threshold, windowSeconds: last.windowSeconds },
      observed: { value: last.value, samples: last.samples },
      judgementId: last.judgementId,
      firstBadSampleAt: firstBad,
      reason:
        `${last.message}; ${count} failed measurement(s) > failureLimit ${run.started.template.failureLimit} ` +
        `in run ${run.started.runId}`,
    };
    events.push(shadow ? { type: 'RollbackShadowed', data } : { type: 'RollbackTriggered', data });
    return events;
  },
};
