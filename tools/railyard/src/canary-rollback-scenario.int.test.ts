import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import { deploymentStream, deploymentWatchStream, rolloutPlanStream, streamName } from '@railyard/contracts';
import { createDeployAgent, type DeployAgent } from '@railyard/deploy-agent';
import type { PostgresEventStore } from '@railyard/eventstore';
import { type MonitoringRuntime, startMonitoringRuntime } from '@railyard/monitoring/runtime';
import { type OrchestrationRuntime, startOrchestrationRuntime } from '@railyard/orchestration/runtime';
import { createLogger, signDevToken } from '@railyard/service-kit';
import { waitFor } from '@railyard/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Monitoring's fixtures: a real Prometheus (Debian's package, installed when missing) and a fake PagerDuty on loopback.
import { DEFAULT_PROMQL_TEMPLATES } from '../../../services/monitoring/src/metrics/domain/promql-templates.js';
import {
  type FakePagerDuty,
  startFakePagerDuty,
} from '../../../services/monitoring/src/test-support/fake-pagerduty.js';
import { type RunningPrometheus, startPrometheus } from '../../../services/monitoring/src/test-support/prometheus.js';
import { issueGrants } from './test-support/grants.js';
import { type ScenarioInfra, startScenarioInfra, system } from './test-support/release-stack.js';

/**
 * Issue 13's done-means in one scenario. The reference agent serves one Prometheus target per version (the metric
 * names monitoring's default templates query); a real Prometheus scrapes them; orchestration executes canaries
 * through the agent; monitoring learns the deployments and the release's criteria from the bus, reads Prometheus,
 * judges the canary against its baseline (Kayenta's judge) and raises RollbackTriggered, which orchestration consumes
 * and rolls back. An Alertmanager v4 payload is correlated with the deployment, and the anomaly it opens is paged to
 * a fake PagerDuty naming the release and the lead. A canary without traffic ends Nodata and stays.
 *
 * Planning's criteria, pipeline's DeploymentRequested and the release's rollout plan are appended as those services
 * would publish them (their relays carry them to the bus): their own behaviour is tested in their own suites.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const agentSecret = `whsec_${Buffer.from('canary-scenario-request-secret').toString('base64')}`;
const callbackSecret = `whsec_${Buffer.from('canary-scenario-callback-secret').toString('base64')}`;
const ROUTING_KEY = 'R0UT1NGKEY0123456789ABCDEFGHIJKL';
/** The analysis run of this test: Argo's fields, a short interval so the scenario runs in seconds. */
/** Environment names are unique across services: search runs in its own. */
const ENV: Record<string, string> = { checkout: 'prod', search: 'prod-search' };
const TEMPLATE = {
  count: 10,
  intervalSeconds: 1,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  shadow: false,
};

let infra: ScenarioInfra;
let store: PostgresEventStore;
let pool: pg.Pool;
let nc: NatsConnection;
let prefix: string;
let agent: DeployAgent;
let agentUrl = '';
let prometheus: RunningPrometheus;
let pd: FakePagerDuty;
let orchestration: OrchestrationRuntime;
let monitoring: MonitoringRuntime;
let orchestrationUrl = '';
const h: Record<string, { authorization: string }> = {};

const metadata = (actor: string, schemaVersion: number) => {
  const correlationId = randomUUID();
  return {
    occurredAt: new Date().toISOString(),
    actor: system(actor),
    correlationId,
    causationId: correlationId,
    schemaVersion,
  };
};
const appendAs = async (actor: string, stream: string, type: string, data: object, schemaVersion = 1) => {
  const id = randomUUID();
  const event = { id, type, data: data as Record<string, unknown>, metadata: metadata(actor, schemaVersion) };
  await store.append(stream, [event], 'any');
  return id;
};
const artifact = (service: string, version: string) => ({
  name: service,
  version,
  sha256: createHash('sha256').update(`${service}@${version}`).digest('hex'),
});
const control = (path: string, body: object) =>
  fetch(`${agentUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  infra = await startScenarioInfra('canaryScenario');
  ({ store, pool, nc, prefix } = infra);
  const streams = infra.streams;
  agent = createDeployAgent({ requestSecret: agentSecret, callbackSecret, callbackRetryMs: [50, 200, 1000] });
  agentUrl = await agent.listen();
  const agentAddress = agentUrl.replace(/^http:\/\//, '').replace(/\/$/, '');
  // Prometheus scrapes the agent's per-version targets; the series carry the agent's own labels.
  prometheus = await startPrometheus(
    [
      ['checkout', '1.0.0'],
      ['checkout', '2.0.0'],
      ['search', '1.0.0'],
      ['search', '2.0.0'],
    ].map(([service, version]) => ({
      address: agentAddress,
      labels: { __metrics_path__: `/metrics/${service}/${ENV[service!]}/${version}` },
    })),
  );
  pd = await startFakePagerDuty();
  orchestration = await startOrchestrationRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth: { secret: SECRET },
    logger: createLogger({ name: 'orchestration', level: 'silent' }),
    sealIntervalMs: false,
    schedulerIntervalMs: false,
    deployments: {
      agentUrl,
      agentSecret,
      callbackSecret,
      callbackUrl: () => `${orchestrationUrl}/deployments/callbacks`,
      // The canary holds its first step (25 %) for the whole scenario: monitoring decides, not the timer.
      minuteMs: 60_000,
      keepMinutes: 0,
      intervalMs: 50,
    },
  });
  await orchestration.app.listen({ host: '127.0.0.1', port: 0 });
  orchestrationUrl = `http://127.0.0.1:${(orchestration.app.server.address() as AddressInfo).port}`;
  monitoring = await startMonitoringRuntime({
    store,
    pool,
    nats: nc,
    subjectPrefix: prefix,
    busStream: streams.stream,
    auth: { secret: SECRET },
    logger: createLogger({ name: 'monitoring', level: 'silent' }),
    sealIntervalMs: false,
    journeyTickMs: false,
    escalationTickMs: false,
    analysisTickMs: 200,
    analysisTemplate: TEMPLATE,
    // Monitoring's default PromQL templates: the agent exposes exactly their names.
    prometheus: { url: prometheus.url, templates: DEFAULT_PROMQL_TEMPLATES, window: '5s' },
    pagerDuty: { url: pd.url, routingKey: ROUTING_KEY, maxAttempts: 3, backoffMs: [10] },
    escalateAfterMinutes: 0,
    publicUrl: 'https://railyard.example',
  });
  // Planning's and pipeline's relays, as they run in their own processes.
  // Governance's relay too: its grants reach orchestration's ledger over NATS (G2).
  await infra.startRelays(['planning', 'pipeline', 'governance']);
  for (const [sub, roles] of [
    ['sre-sam', ['sre']],
    ['dev-ana', ['developer']],
  ] as const) {
    h[sub] = { authorization: `Bearer ${await signDevToken({ sub, roles: [...roles], secret: SECRET })}` };
  }
  // G2: the person who triggers the runs (the requester of their prod deployments) holds a deploy grant on the tier.
  await issueGrants(
    store,
    pool,
    ['orchestration'],
    [{ principal: 'dev-ana', privilege: 'deploy', scope: { tier: 'prod' } }],
  );
  for (const service of ['checkout', 'search']) {
    const env = await orchestration.app.inject({
      method: 'POST',
      url: '/environments',
      headers: h['sre-sam']!,
      payload: {
        name: ENV[service]!,
        service,
        tier: 'prod',
        region: 'eu',
        iac: { template: `git@infra:modules/${service}`, version: '4.2.0', parameters: { replicas: 2 } },
      },
    });
    expect(env.statusCode, env.body).toBe(201);
    // What runs before the first deployment: 1.0.0 takes all the traffic.
    expect(
      (await control(`/control/live/${service}/${ENV[service]}`, { live: [{ version: '1.0.0', weight: 100 }] })).ok,
    ).toBe(true);
  }
}, 120_000);

afterAll(async () => {
  await monitoring?.close();
  await orchestration?.close();
  await agent?.close();
  await prometheus?.stop();
  await pd?.close();
  await infra?.close();
});

/** Planning publishes the release's criteria; pipeline asks orchestration for a canary (25 %, then 100 %). */
async function release(service: string, lead: string, maxErrorPercent = 2) {
  const releaseId = randomUUID();
  await appendAs('planning', streamName('release', releaseId), 'RollbackCriteriaPublished', {
    releaseId,
    service,
    criteria: {
      errorRate: { maxPercent: maxErrorPercent, windowSeconds: 30 },
      latency: { percentile: 95, maxMs: 800, windowSeconds: 30 },
      healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 1 },
      dataIntegrityChecks: [],
    },
    publishedBy: 'rm-rita',
  });
  // The release's rollout plan names its lead (its services are other ones, so it gates nothing here).
  const planId = randomUUID();
  await appendAs('orchestration', rolloutPlanStream(planId), 'RolloutPlanCreated', {
    planId,
    releaseId,
    environments: ['prod'],
    services: [{ service: 'docs', version: '1.0.0', provides: [], consumes: [] }],
    waves: [['docs']],
    lead,
    escalation: [],
    ackTimeoutMinutes: 15,
    createdBy: 'rm-rita',
    reason: 'release rollout',
  });
  const runId = randomUUID();
  // The run's start, as pipeline records it: its trigger is whose deploy grant the deployment needs.
  await appendAs(
    'pipeline',
    streamName('pipelineRun', runId),
    'PipelineRunStarted',
    {
      runId,
      service,
      definitionVersion: 1,
      stages: [{ kind: 'deploy', name: 'prod', environment: ENV[service]! }],
      securityPolicy: 'default',
      tier: 'standard',
      strategies: [],
      artifact: artifact(service, '2.0.0'),
      changeAuthor: 'dev-bo',
      triggeredBy: 'dev-ana',
      releaseId,
      commits: [],
      reason: 'run',
    },
    2,
  );
  const deploymentId = await appendAs(
    'pipeline',
    streamName('pipelineRun', runId),
    'DeploymentRequested',
    {
      runId,
      stage: 2,
      service,
      environment: ENV[service]!,
      artifact: artifact(service, '2.0.0'),
      strategy: {
        type: 'canary',
        steps: [
          { weight: 25, pauseMinutes: 60 },
          { weight: 100, pauseMinutes: 0 },
        ],
      },
      rollbackTarget: artifact(service, '1.0.0'),
      gates: [],
      releaseId,
      commits: [{ sha: 'abc1234', committedAt: '2026-12-01T10:00:00Z' }],
      reason: 'promoted to prod',
    },
    2,
  );
  return { releaseId, deploymentId };
}

const eventsOf = (stream: string) => store.readStream(stream);
const typesOf = async (stream: string) => (await eventsOf(stream)).map((e) => e.type);
const canaryLive = (deploymentId: string) =>
  waitFor(
    'the canary at 25 %',
    async () =>
      (await eventsOf(deploymentStream(deploymentId))).find(
        (e) =>
          e.type === 'DeploymentStepCompleted' && (e.data as { live: { weight: number } | null }).live?.weight === 25,
      ),
    { timeoutMs: 30_000 },
  ).catch(async (error) => {
    const events = await eventsOf(deploymentStream(deploymentId));
    throw new Error(`${error}: deployment events ${JSON.stringify(events.map((e) => [e.type, e.data]))}`);
  });

describe('a canary judged on Prometheus metrics of the reference agent (issue 13)', () => {
  it('rolls back a canary whose error rate climbs: High, then Fail, RollbackTriggered, rolled back by orchestration', async () => {
    // Both versions answer in 1–3 ms (one histogram bucket, so p95 is the same for both); 1.0.0 errs at the default
    // 0.1 %, 2.0.0 at 13 %, climbing to 27 % once it takes traffic (fractional rates, so the samples vary).
    for (const version of ['1.0.0', '2.0.0']) {
      expect((await control(`/control/metrics/checkout/prod/${version}`, { latencyMs: 2 })).ok).toBe(true);
    }
    expect((await control('/control/metrics/checkout/prod/2.0.0', { errorRate: 0.13 })).ok).toBe(true);
    // The release allows up to 50 % errors in absolute terms: it is the canary judgement against the baseline
    // that catches the regression.
    const { releaseId, deploymentId } = await release('checkout', 'lead-lea', 50);
    const step = await canaryLive(deploymentId);
    expect(agent.fleet.target('checkout', 'prod').live).toEqual(
      expect.arrayContaining([{ version: '2.0.0', weight: 25 }]),
    );
    // The first bad sample: the agent's next scrape after the canary took traffic serves its 500s.
    const firstBadServed = new Date(step.metadata.occurredAt);
    expect((await control('/control/metrics/checkout/prod/2.0.0', { errorRate: 0.27 })).ok).toBe(true);

    const triggered = await waitFor(
      'RollbackTriggered',
      async () => (await eventsOf(deploymentWatchStream(deploymentId))).find((e) => e.type === 'RollbackTriggered'),
      { timeoutMs: 60_000 },
    );
    const data = triggered.data as {
      criterion: { kind: string };
      judgementId: string;
      releaseId: string;
    };
    expect(data).toMatchObject({ releaseId, criterion: { kind: 'canary' } });
    // The verdict carries the deployment's correlation (pipeline's request → orchestration's scheduling → monitoring):
    // an export of the change holds its canary verdict and its rollback.
    const scheduled = (await eventsOf(deploymentStream(deploymentId))).find((e) => e.type === 'DeploymentScheduled')!;
    expect(triggered.metadata.correlationId).toBe(scheduled.metadata.correlationId);
    const judgement = await monitoring.app.inject({
      method: 'GET',
      url: `/canary/judgements/${data.judgementId}`,
      headers: h['sre-sam']!,
    });
    expect(judgement.statusCode, judgement.body).toBe(200);
    expect(judgement.json()).toMatchObject({
      verdict: 'Fail',
      subject: { deploymentId, canaryVersion: '2.0.0', baselineVersion: '1.0.0' },
    });
    expect(
      judgement.json().metrics.find((m: { name: string }) => m.name === 'error-rate'),
      JSON.stringify(judgement.json()),
    ).toMatchObject({
      classification: 'High',
    });

    // Orchestration consumes it from the bus and rolls back through the agent.
    await waitFor('the rollback', async () =>
      (await typesOf(deploymentStream(deploymentId))).includes('DeploymentRolledBack'),
    );
    const rollback = (await eventsOf(deploymentStream(deploymentId))).find(
      (e) => e.type === 'DeploymentRollbackStarted',
    )!;
    expect(rollback.data).toMatchObject({
      to: { version: '1.0.0' },
      trigger: { kind: 'monitoring', triggerId: triggered.id },
    });
    expect(agent.fleet.target('checkout', 'prod').live).toEqual([{ version: '1.0.0', weight: 100 }]);

    const measured = (await eventsOf(deploymentWatchStream(deploymentId))).filter(
      (e) => e.type === 'AnalysisMeasured' && e.position < triggered.position,
    ).length;
    // Measured, not asserted (no timed assertions): the lead-in to the report's number.
    const fromServed = new Date(triggered.metadata.occurredAt).getTime() - firstBadServed.getTime();
    console.info(
      `[measure] canary taking bad traffic → RollbackTriggered: ${fromServed} ms; ${measured} measurement(s) at ` +
        `${TEMPLATE.intervalSeconds} s (failureLimit ${TEMPLATE.failureLimit}); at 30 s that is ` +
        `${(measured - 1) * 30} s plus one scrape (the first measurement is at the run's start)`,
    );

    // Alertmanager (webhook v4) reports the 5xx: the alert is correlated with the deployment, by id.
    const now = new Date().toISOString();
    const alert = await monitoring.app.inject({
      method: 'POST',
      url: '/alerts/alertmanager',
      headers: h['sre-sam']!,
      payload: {
        version: '4',
        groupKey: '{}:{alertname="CheckoutErrors"}',
        status: 'firing',
        receiver: 'railyard',
        groupLabels: { alertname: 'CheckoutErrors' },
        commonLabels: { alertname: 'CheckoutErrors', service: 'checkout', environment: 'prod' },
        commonAnnotations: {},
        externalURL: 'http://alertmanager',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'CheckoutErrors', service: 'checkout', environment: 'prod', severity: 'critical' },
            annotations: { summary: 'checkout 5xx above 2%' },
            startsAt: now,
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint: 'c0ffee01',
          },
        ],
      },
    });
    expect(alert.statusCode, alert.body).toBe(200);
    expect(alert.json().alerts[0]).toMatchObject({ relation: 'same-service', deploymentId });

    // Unresolved past the escalation time (0 minutes here): a PagerDuty trigger with the release and the lead.
    const page = await waitFor('the PagerDuty trigger', async () => {
      await monitoring.escalator!.tick();
      return pd.received.find(
        (r) =>
          r.path === '/v2/enqueue' &&
          r.body.event_action === 'trigger' &&
          (r.body.payload as { custom_details?: { deploymentId?: string } })?.custom_details?.deploymentId ===
            deploymentId,
      );
    });
    expect(page.body).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: { custom_details: { release: releaseId, lead: 'lead-lea', versions: { deployed: '2.0.0' } } },
    });
  }, 120_000);

  it('ends a canary without traffic Nodata and does not roll it back', async () => {
    // 2.0.0 of search takes its 25 % of routing but serves no requests.
    expect((await control('/control/metrics/search/prod-search/2.0.0', { requestsPerScrape: 0, sessions: 0 })).ok).toBe(
      true,
    );
    const { deploymentId } = await release('search', 'lead-lou');
    await canaryLive(deploymentId);
    const completed = await waitFor(
      'the analysis run completed',
      async () => (await eventsOf(deploymentWatchStream(deploymentId))).find((e) => e.type === 'AnalysisRunCompleted'),
      { timeoutMs: 60_000 },
    );
    const errorRate = (completed.data.metrics as { metric: string; phase: string }[]).find(
      (m) => m.metric === 'error-rate',
    );
    expect(errorRate!.phase).toBe('Nodata');
    const watch = await typesOf(deploymentWatchStream(deploymentId));
    expect(watch).not.toContain('RollbackTriggered');
    const deployment = await typesOf(deploymentStream(deploymentId));
    expect(deployment).not.toContain('DeploymentRollbackStarted');
    expect(agent.fleet.target('search', 'prod-search').live).toEqual(
      expect.arrayContaining([{ version: '2.0.0', weight: 25 }]),
    );
  }, 120_000);
});
