import { AnalysisRunStarted, deploymentWatchStream, ErrorCodes, MonitoringErrorCodes } from '@railyard/contracts';
import { event, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_ANALYSIS_TEMPLATE } from '../../runtime.js';
import { criteria, publishCriteria, startDeployment } from '../../test-support/deployment-history.js';
import { type MonitoringSpecFixture, SPEC_NOW, sre, startMonitoringSpecs } from '../../test-support/monitoring-spec.js';

// With the bus: checkout's release publishes its rollback criteria and three deployments of it start, all learnt from
// planning's and orchestration's events before the specifications; a fourth deployment's release published none.
describe('POST /deployments/:deploymentId/analysis', () => {
  let s: MonitoringSpecFixture;
  const releaseId = crypto.randomUUID();
  const deployments = {} as Record<'fresh' | 'running' | 'uncriteria', { deploymentId: string }>;
  beforeAll(async () => {
    s = await startMonitoringSpecs('monStartAnalysis', { bus: true });
    await publishCriteria(s.f, releaseId, 'checkout');
    deployments.fresh = await startDeployment(s.f, { releaseId, service: 'checkout', version: '2.4.0' });
    deployments.running = await startDeployment(s.f, { releaseId, service: 'checkout', version: '2.4.1' });
    deployments.uncriteria = await startDeployment(s.f, {
      releaseId: crypto.randomUUID(),
      service: 'checkout',
      version: '2.4.2',
    });
    await waitFor('monitoring to learn the deployments and the criteria', async () => {
      const { rows } = await s.f.pool.query<{ d: number; c: number }>(
        `SELECT (SELECT count(*)::int FROM monitoring.deployments WHERE status = 'running') AS d,
                (SELECT count(*)::int FROM monitoring.rollback_criteria) AS c`,
      );
      return rows[0]!.d === 3 && rows[0]!.c === 1;
    });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const start = (deploymentId: string, payload: unknown = {}) =>
    s.request('POST', `/deployments/${deploymentId}/analysis`, sre, payload);
  const c = criteria();
  /** What the release's criteria ask of a deployment without a baseline. */
  const metrics = [
    {
      metric: 'error-rate',
      kind: 'error-rate',
      threshold: c.errorRate.maxPercent,
      windowSeconds: 60,
      percentile: null,
    },
    { metric: 'latency-p95', kind: 'latency', threshold: c.latency.maxMs, windowSeconds: 60, percentile: 95 },
    { metric: 'health', kind: 'health-check', threshold: 3, windowSeconds: 60, percentile: null },
  ];
  const started = (deploymentId: string, runId: string, version: string, template = DEFAULT_ANALYSIS_TEMPLATE) =>
    event(AnalysisRunStarted, {
      deploymentId,
      runId,
      releaseId,
      service: 'checkout',
      environment: 'prod',
      version,
      baselineVersion: null,
      template,
      metrics,
      startedAt: SPEC_NOW.toISOString(),
    });

  it("starts a run against the release's criteria, the template overridden by the body: AnalysisRunStarted", async () => {
    const { deploymentId } = deployments.fresh;
    const template = { ...DEFAULT_ANALYSIS_TEMPLATE, count: 5, shadow: true };
    await s
      .spec()
      .given(deploymentWatchStream(deploymentId))
      .when(start(deploymentId, { count: 5, shadow: true }))
      .then({
        status: 201,
        body: { deploymentId, template },
        events: (response) => ({
          [deploymentWatchStream(deploymentId)]: [started(deploymentId, response.json().runId, '2.4.0', template)],
        }),
      });
  });

  it('409 MONITORING_ANALYSIS_RUNNING while a run of the deployment is running', async () => {
    const { deploymentId } = deployments.running;
    await s
      .spec()
      .given(deploymentWatchStream(deploymentId), started(deploymentId, crypto.randomUUID(), '2.4.1'))
      .when(start(deploymentId))
      .then({ status: 409, code: MonitoringErrorCodes.ANALYSIS_RUNNING });
  });

  it("409 MONITORING_CRITERIA_UNKNOWN when the deployment's release published no criteria", async () => {
    const { deploymentId } = deployments.uncriteria;
    await s
      .spec()
      .given(deploymentWatchStream(deploymentId))
      .when(start(deploymentId))
      .then({ status: 409, code: MonitoringErrorCodes.CRITERIA_UNKNOWN });
  });

  it('404 MONITORING_DEPLOYMENT_UNKNOWN for a deployment monitoring never learnt', async () => {
    const deploymentId = crypto.randomUUID();
    await s
      .spec()
      .given(deploymentWatchStream(deploymentId))
      .when(start(deploymentId))
      .then({ status: 404, code: MonitoringErrorCodes.DEPLOYMENT_UNKNOWN });
  });

  it('400 for a template field the template does not have', async () => {
    const { deploymentId } = deployments.fresh;
    await s
      .spec()
      .given(deploymentWatchStream(deploymentId))
      .when(start(deploymentId, { count: 5, measureEvery: 10 }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
