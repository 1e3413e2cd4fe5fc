import type { AnalysisTemplate, DeploymentWatchEvent, Measurement } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { canaryMeasurement, measure, metricsFromCriteria, runPhase, tally } from './analysis.js';
import { deploymentWatchDecider, type RecordMeasurement, type StartAnalysis } from './deployment-watch.js';

const actor = { id: 'monitoring-analysis', kind: 'system' as const, roles: [] };
const deploymentId = '0193a000-0000-7000-8000-0000000000d1';
const runId = '0193a000-0000-7000-8000-0000000000a1';
const at = new Date('2026-12-02T10:00:00Z');
const template: AnalysisTemplate = {
  count: 3,
  intervalSeconds: 30,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 1,
  shadow: false,
};
const criteria = {
  errorRate: { maxPercent: 2, windowSeconds: 60 },
  latency: { percentile: 95, maxMs: 800, windowSeconds: 60 },
  healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 10 },
  dataIntegrityChecks: ['orders-balance'],
};
const metrics = metricsFromCriteria(criteria);
const subject = {
  deploymentId,
  releaseId: null,
  service: 'checkout',
  environment: 'prod',
  version: '2.4.0',
  baselineVersion: '2.3.9',
};
const started: DeploymentWatchEvent = {
  type: 'AnalysisRunStarted',
  data: { ...subject, runId, template, metrics, startedAt: at.toISOString() },
};
const samples = (...values: number[]) => ({
  kind: 'samples' as const,
  samples: values.map((value, i) => ({ at: new Date(at.getTime() + i * 10_000), value })),
});
/** One measurement of every metric: error rate as given, the others healthy. */
const allWith = (errorRate: ReturnType<typeof samples> | { kind: 'error'; message: string }): Measurement[] =>
  metrics.map((m) =>
    measure(
      m,
      m.kind === 'error-rate'
        ? errorRate
        : m.kind === 'latency'
          ? samples(300)
          : samples(m.kind === 'health-check' ? 1 : 0),
    ),
  );
const record = (index: number, measurements: Measurement[]): RecordMeasurement => ({
  type: 'RecordMeasurement',
  actor,
  at: new Date(at.getTime() + index * 30_000),
  runId,
  index,
  measurements,
});
const measuredEvent = (index: number, measurements: Measurement[]): DeploymentWatchEvent => ({
  type: 'AnalysisMeasured',
  data: { deploymentId, runId, index, measuredAt: new Date(at.getTime() + index * 30_000).toISOString(), measurements },
});

describe('metrics from the release criteria', () => {
  it('watches the error rate, the latency percentile, health checks and each data-integrity check', () => {
    expect(metrics.map((m) => [m.metric, m.kind, m.threshold])).toEqual([
      ['error-rate', 'error-rate', 2],
      ['latency-p95', 'latency', 800],
      ['health', 'health-check', 3],
      ['data-integrity:orders-balance', 'data-integrity', 0],
    ]);
  });
});

describe('a measurement', () => {
  const [errorRate, , health, integrity] = metrics;
  it('fails an error rate whose mean over the window is above the threshold, naming the first bad sample', () => {
    const m = measure(errorRate!, samples(1, 1, 5, 6));
    expect(m).toMatchObject({ phase: 'Failed', value: 3.25, firstBadSampleAt: '2026-12-02T10:00:20.000Z' });
    expect(m.samples).toEqual({ count: 4, min: 1, max: 6, mean: 3.25, last: 6 });
  });
  it('passes an error rate at the threshold', () => {
    expect(measure(errorRate!, samples(2, 2)).phase).toBe('Successful');
  });
  it('is Nodata without samples and Error when the source failed, never Failed', () => {
    expect(measure(errorRate!, samples()).phase).toBe('Nodata');
    expect(measure(errorRate!, { kind: 'error', message: 'connection refused' })).toMatchObject({
      phase: 'Error',
      message: 'connection refused',
    });
  });
  it('fails health after the allowed consecutive failed checks, counting only the trailing run', () => {
    expect(measure(health!, samples(0, 0, 1, 0, 0)).phase).toBe('Successful');
    expect(measure(health!, samples(1, 0, 0, 0))).toMatchObject({ phase: 'Failed', value: 3 });
  });
  it('fails a data-integrity check whose last count of violations is above zero', () => {
    expect(measure(integrity!, samples(0, 2)).phase).toBe('Failed');
    expect(measure(integrity!, samples(2, 0)).phase).toBe('Successful');
  });
});

describe('the canary metric', () => {
  const [spec] = metricsFromCriteria(criteria, true);
  const outcome = (verdict: 'Pass' | 'Marginal' | 'Fail', classes: string[], score = 0) => ({
    judgementId: runId,
    score,
    verdict,
    metrics: classes.map((classification, i) => ({ name: `m${i}`, classification, reason: '' })),
    canarySamples: [1, 2],
  });
  it('is judged against the baseline when there is one, failing below the marginal score', () => {
    expect(spec).toMatchObject({ metric: 'canary', kind: 'canary', threshold: 75 });
    expect(metricsFromCriteria(criteria).map((m) => m.kind)).not.toContain('canary');
  });
  it('maps Pass, Marginal and Fail to Successful, Inconclusive and Failed, keeping the judgement id', () => {
    expect(canaryMeasurement(spec!, outcome('Pass', ['Pass', 'Pass'], 100)).phase).toBe('Successful');
    expect(canaryMeasurement(spec!, outcome('Marginal', ['Pass', 'High'], 80)).phase).toBe('Inconclusive');
    expect(canaryMeasurement(spec!, outcome('Fail', ['High', 'Pass']))).toMatchObject({
      phase: 'Failed',
      judgementId: runId,
    });
  });
  it('is Nodata, not Failed, when half the judged metrics had no data (Kayenta would zero the score)', () => {
    expect(canaryMeasurement(spec!, outcome('Fail', ['Nodata', 'Pass'])).phase).toBe('Nodata');
    expect(canaryMeasurement(spec!, { error: 'prometheus unreachable' }).phase).toBe('Error');
  });
});

describe("Argo's limits", () => {
  const limits = { count: 4, failureLimit: 1, inconclusiveLimit: 0, consecutiveErrorLimit: 2 };
  it('fails a metric only when failures exceed failureLimit', () => {
    expect(tally('m', ['Failed'], limits).phase).toBe('Running');
    expect(tally('m', ['Failed', 'Successful', 'Failed'], limits).phase).toBe('Failed');
  });
  it('errs a metric when consecutive errors exceed consecutiveErrorLimit, and a success resets the streak', () => {
    expect(tally('m', ['Error', 'Error', 'Successful', 'Error'], limits).phase).toBe('Successful');
    expect(tally('m', ['Successful', 'Error', 'Error', 'Error'], limits).phase).toBe('Error');
  });
  it('ends a metric that only saw no data Nodata, and one that only erred (under the limit) Error', () => {
    expect(tally('m', ['Nodata', 'Nodata', 'Nodata', 'Nodata'], limits).phase).toBe('Nodata');
    expect(tally('m', ['Error', 'Nodata', 'Error', 'Nodata'], limits).phase).toBe('Error');
  });
  it('takes the worst metric for the run, leaving Nodata metrics out', () => {
    const t = (phase: 'Successful' | 'Inconclusive' | 'Error' | 'Failed' | 'Nodata') => ({
      ...tally('m', [], limits),
      phase,
    });
    expect(runPhase([t('Successful'), t('Inconclusive'), t('Nodata')])).toBe('Inconclusive');
    expect(runPhase([t('Error'), t('Failed'), t('Inconclusive')])).toBe('Failed');
    expect(runPhase([t('Inconclusive'), t('Error')])).toBe('Error');
    expect(runPhase([t('Nodata'), t('Nodata')])).toBe('Nodata');
    expect(runPhase([t('Nodata'), t('Successful')])).toBe('Successful');
  });
});

describe('a deployment watch', () => {
  const w = spec(deploymentWatchDecider);
  /** The events decided on a history, for assertions on their content beyond their types. */
  const decided = (history: DeploymentWatchEvent[], command: RecordMeasurement) =>
    deploymentWatchDecider.decide(
      command,
      history.reduce(deploymentWatchDecider.evolve, deploymentWatchDecider.initialState),
    );
  const start: StartAnalysis = { type: 'StartAnalysis', actor, at, runId, subject, template, metrics, onlyFirst: true };

  it('starts the first run once', () => {
    w.when(start).then([started]);
    w.given([started]).when(start).thenNothing();
  });

  it('refuses a second run while one runs', () => {
    w.given([started])
      .when({ ...start, onlyFirst: false, runId: deploymentId })
      .thenThrows('MONITORING_ANALYSIS_RUNNING');
  });

  it('records a healthy measurement and keeps running', () => {
    const ok = allWith(samples(0.5, 0.8));
    w.given([started])
      .when(record(0, ok))
      .then([measuredEvent(0, ok)]);
  });

  it('ignores a measurement for a slot another replica already measured', () => {
    const ok = allWith(samples(0.5));
    w.given([started, measuredEvent(0, ok)])
      .when(record(0, ok))
      .thenNothing();
  });

  it('on a breach ends the run Failed and raises RollbackTriggered with the evidence, once', () => {
    const bad = allWith(samples(1, 4, 7));
    const events = decided([started], record(0, bad));
    expect(events.map((e) => e.type)).toEqual(['AnalysisMeasured', 'AnalysisRunCompleted', 'RollbackTriggered']);
    expect(events[1]!.data).toMatchObject({ phase: 'Failed' });
    expect(events[2]!.data).toMatchObject({
      deploymentId,
      service: 'checkout',
      criterion: { kind: 'error-rate', metric: 'error-rate', threshold: 2, windowSeconds: 60 },
      observed: { value: 4, samples: { count: 3, min: 1, max: 7, mean: 4, last: 7 } },
      judgementId: null,
      firstBadSampleAt: '2026-12-02T10:00:10.000Z',
    });
    // A second run of the same deployment that fails again raises nothing more.
    const [m, completed, triggered] = events as DeploymentWatchEvent[];
    const secondRun = { ...started, data: { ...started.data, runId: deploymentId } } as DeploymentWatchEvent;
    const again = decided([started, m!, completed!, triggered!, secondRun], { ...record(0, bad), runId: deploymentId });
    expect(again.map((e) => e.type)).toEqual(['AnalysisMeasured', 'AnalysisRunCompleted']);
  });

  it('in shadow mode records RollbackShadowed instead', () => {
    const shadowStarted = { ...started, data: { ...started.data, template: { ...template, shadow: true } } };
    const events = decided([shadowStarted as DeploymentWatchEvent], record(0, allWith(samples(9))));
    expect(events.map((e) => e.type)).toEqual(['AnalysisMeasured', 'AnalysisRunCompleted', 'RollbackShadowed']);
  });

  it('never rolls back on a source that is down: the run ends Error', () => {
    const down = allWith({ kind: 'error', message: 'prometheus: connection refused' });
    const events = decided([started, measuredEvent(0, down)], record(1, down));
    expect(events.map((e) => e.type)).toEqual(['AnalysisMeasured', 'AnalysisRunCompleted']);
    expect(events[1]!.data).toMatchObject({ phase: 'Error' });
  });

  it('ends a run without traffic Nodata only when no metric had data', () => {
    const none = metrics.map((m) => measure(m, samples()));
    const events = decided([started, measuredEvent(0, none), measuredEvent(1, none)], record(2, none));
    expect(events.map((e) => e.type)).toEqual(['AnalysisMeasured', 'AnalysisRunCompleted']);
    expect(events[1]!.data).toMatchObject({ phase: 'Nodata' });
  });
});
