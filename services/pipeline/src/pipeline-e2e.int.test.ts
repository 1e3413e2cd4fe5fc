import { jetstreamManager } from '@nats-io/jetstream';
import { decodeBusEvent } from '@railyard/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from './test-support/pipeline-fixture.js';

// The "Done means", over HTTP as CI systems and approvers would drive it.
const stages = [
  { kind: 'build', name: 'build' },
  { kind: 'test', name: 'test' },
  { kind: 'deploy', name: 'staging', environment: 'staging' },
  {
    kind: 'approval',
    name: 'prod approval',
    environment: 'prod',
    groups: ['approver'],
    minApprovals: 1,
    expiresAfterMinutes: 60,
  },
  { kind: 'deploy', name: 'prod', environment: 'prod' },
  { kind: 'verify', name: 'verify', environment: 'prod' },
];
const baselineMetrics = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 500, errorRate: 0.001 };
/**
 * A skewed suite as suites are written: 8 feature folders of 6 tests, each opening with a slow end-to-end journey
 * (60-67 s) before quick UI tests (1.5-4.7 s). Round-robin over 8 shards lands every journey on one shard.
 */
const suite = Array.from({ length: 48 }, (_, i) =>
  i % 8 === 0
    ? { name: `journey-${i}`, durationMs: 60_000 + i * 150 }
    : { name: `ui-${i}`, durationMs: 1500 + ((i * 37) % 9) * 400 },
);

describe('a gated progressive pipeline, end to end', () => {
  let f: PipelineFixture;
  let h: Record<string, { authorization: string }>;
  const post = (url: string, headers: { authorization: string }, payload?: Record<string, unknown>) =>
    f.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const minutes = (n: number) => {
    f.clock.now = new Date(f.clock.now.getTime() + n * 60_000);
  };
  async function pass(runId: string, stage: number) {
    const claimed = await post(`/runs/${runId}/stages/${stage}/claim`, ciHeaders);
    expect(claimed.statusCode, claimed.body).toBe(200);
    const res = await post(`/runs/${runId}/stages/${stage}/result`, ciHeaders, { outcome: 'passed' });
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  async function startRun(version: string) {
    const sha256 = version.replaceAll('.', '').padEnd(64, 'c').slice(0, 64);
    await f.publishArtifact({ name: 'payments-api', version, sha256, signed: true });
    await f.until(`payments-api@${version} in the gate read model`, async () => {
      const res = await f.app.inject({
        method: 'GET',
        url: `/artifacts/payments-api/${version}/gates`,
        headers: h.dev!,
      });
      return res.statusCode === 200 && res.json().signed ? true : undefined;
    });
    const res = await post('/runs', h.dev!, {
      service: 'payments-api',
      artifact: { name: 'payments-api', version },
      changeAuthor: 'dev-bo',
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id as string, sha256 };
  }

  beforeAll(async () => {
    f = await startPipeline('pipeE2e');
    h = {
      rm: await f.auth('rm-ana', ['release-manager']),
      dev: await f.auth('dev-ana', ['developer']),
      author: await f.auth('dev-bo', ['developer', 'approver']),
      approver: await f.auth('appr-cy', ['approver']),
      sec: await f.auth('sec-lee', ['approver', 'sre']),
    };
    // Approving for prod needs an approve grant (G2); the trigger and the author hold one too, so that separation of
    // duties, not the grant, is what refuses them below.
    for (const principal of ['appr-cy', 'dev-ana', 'dev-bo']) {
      await f.grant({ principal, privilege: 'approve', scope: { environment: 'prod' } });
    }
    const policy = await f.app.inject({
      method: 'PUT',
      url: '/security-policies/default',
      headers: h.sec!,
      payload: {
        rules: [
          {
            id: 'no-critical',
            description: 'no critical finding',
            expression: "finding.severity == 'critical'",
            maxCount: 0,
          },
          { id: 'no-high', description: 'no high finding', expression: "finding.severity == 'high'", maxCount: 0 },
        ],
        reason: 'Severity thresholds of the 2026 AppSec standard',
      },
    });
    expect(policy.statusCode).toBe(200);
    const def = await f.app.inject({
      method: 'PUT',
      url: '/services/payments-api/pipeline-definition',
      headers: h.rm!,
      payload: { tier: 'critical', stages },
    });
    expect(def.statusCode).toBe(200);
    expect(def.json()).toMatchObject({ version: 1, tier: 'critical' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('runs, shards, gates, approves, promotes and audits a release', async () => {
    // A first release sets the baseline and becomes the rollback target.
    const first = await startRun('2.3.0');
    await post(`/runs/${first.id}/load-tests`, ciHeaders, { environment: 'staging', metrics: baselineMetrics });
    for (const stage of [0, 1, 2]) await pass(first.id, stage);
    expect((await post(`/runs/${first.id}/stages/3/approvals`, h.approver!, { reason: 'CAB ok' })).statusCode).toBe(
      200,
    );
    await pass(first.id, 4);
    expect((await pass(first.id, 5)).status).toBe('succeeded');
    const accepted = await post(`/runs/${first.id}/accept`, h.rm!, { reason: 'Released' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ baseline: baselineMetrics, rollbackTarget: { version: '2.3.0' } });

    // The run under test pins definition v1; a later definition change does not touch it.
    const run = await startRun('2.4.0');
    const changed = await f.app.inject({
      method: 'PUT',
      url: '/services/payments-api/pipeline-definition',
      headers: h.rm!,
      payload: { tier: 'low', stages: stages.filter((s) => s.kind !== 'approval') },
    });
    expect(changed.json().version).toBe(2);
    const pinned = (await f.app.inject({ method: 'GET', url: `/runs/${run.id}`, headers: h.dev! })).json();
    expect(pinned.stages).toHaveLength(6);
    // Strategy chosen by tier (critical): blue-green in staging, a 4-step canary in prod.
    expect(
      pinned.strategies.map((s: { environment: string; strategy: { type: string } }) => [
        s.environment,
        s.strategy.type,
      ]),
    ).toEqual([
      ['staging', 'blue-green'],
      ['prod', 'canary'],
    ]);
    await pass(run.id, 0);

    // The test stage, sharded across a 2 × 2 browser/device matrix: LPT against naive round-robin.
    expect((await post(`/runs/${run.id}/stages/1/claim`, ciHeaders)).statusCode).toBe(200);
    const planned = await post(`/runs/${run.id}/stages/1/shards`, ciHeaders, {
      tests: suite,
      matrix: { browsers: ['chrome', 'firefox'], devices: ['desktop', 'pixel-8'] },
      shardCount: 8,
    });
    expect(planned.statusCode).toBe(201);
    const plan = (await f.store.readStream(`pipelineRun-${run.id}`)).find((e) => e.type === 'TestShardsPlanned')!.data;
    console.info(`192 jobs on 8 shards: LPT ${plan.predictedWallMs} ms vs round-robin ${plan.roundRobinWallMs} ms`);
    expect(plan.predictedWallMs).toBe(251_100);
    expect(plan.roundRobinWallMs).toBe(1_512_000);
    const shards = planned.json().testShards.shards as { shard: number; predictedMs: number }[];
    for (const s of shards) {
      const failed = s.shard === 3;
      const res = await post(`/runs/${run.id}/stages/1/shards/${s.shard}/result`, ciHeaders, {
        outcome: failed ? 'failed' : 'passed',
        durationMs: s.predictedMs + 1000,
        failedTests: failed ? ['ui-7@firefox/pixel-8'] : [],
      });
      expect(res.statusCode).toBe(200);
    }
    const rerun = await post(`/runs/${run.id}/stages/1/shards/rerun`, ciHeaders, { reason: 'flaky emulator' });
    expect(rerun.json().testShards.shards.filter((s: { status: string }) => s.status === 'running')).toEqual([
      expect.objectContaining({ shard: 3 }),
    ]);
    const afterRerun = await post(`/runs/${run.id}/stages/1/shards/3/result`, ciHeaders, {
      outcome: 'passed',
      durationMs: 30_000,
    });
    expect(afterRerun.json()).toMatchObject({ currentStage: 2, testShards: { predictedWallMs: 251_100 } });
    expect(afterRerun.json().testShards.actualWallMs).toBeGreaterThanOrEqual(252_100);

    // A SAST finding above the threshold blocks staging; the refusal is recorded.
    const sast = { kind: 'sast', tool: 'semgrep', findings: [{ id: 'F-101', rule: 'xss', severity: 'high' }] };
    expect((await post(`/runs/${run.id}/security-scans`, ciHeaders, sast)).statusCode).toBe(201);
    const blocked = await post(`/runs/${run.id}/stages/2/claim`, ciHeaders);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'PIPELINE_PROMOTION_BLOCKED' });
    expect(blocked.json().gates).toContainEqual(
      expect.objectContaining({ gate: 'security', passed: false, rule: 'default@1/no-high', findings: ['F-101'] }),
    );

    // A time-boxed exception, approved by someone else, unblocks.
    const asked = await post('/security-policies/default/exceptions', h.author!, {
      findingId: 'F-101',
      justification: 'Not reachable: output is escaped by the template engine',
      expiresAt: new Date(f.clock.now.getTime() + 120 * 60_000).toISOString(),
    });
    expect(asked.statusCode).toBe(201);
    const exceptionUrl = `${asked.headers.location}/approve`;
    expect((await post(exceptionUrl, h.author!)).json().code).toBe('PIPELINE_SECURITY_EXCEPTION_SELF_APPROVAL');
    expect((await post(exceptionUrl, h.sec!, { reason: 'Verified the escaping' })).statusCode).toBe(200);
    const promoted = await post(`/runs/${run.id}/stages/2/claim`, ciHeaders);
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().deployedTo).toEqual(['staging']);
    await post(`/runs/${run.id}/stages/2/result`, ciHeaders, { outcome: 'passed' });

    // Approval: the trigger and the author are refused, an approver of the group passes.
    for (const self of [h.dev!, h.author!]) {
      const res = await post(`/runs/${run.id}/stages/3/approvals`, self);
      expect([res.statusCode, res.json().code]).toEqual([409, 'PIPELINE_APPROVAL_SELF_APPROVAL']);
    }
    expect(
      (await post(`/runs/${run.id}/stages/3/approvals`, h.approver!, { reason: 'Change reviewed' })).statusCode,
    ).toBe(200);

    // A performance regression blocks prod.
    await post(`/runs/${run.id}/load-tests`, ciHeaders, {
      environment: 'staging',
      metrics: { ...baselineMetrics, p95Ms: 150 },
    });
    const slow = await post(`/runs/${run.id}/stages/4/claim`, ciHeaders);
    expect(slow.statusCode).toBe(409);
    expect(slow.json().gates.filter((g: { passed: boolean }) => !g.passed)).toEqual([
      expect.objectContaining({
        gate: 'performance',
        rule: 'baseline.regression',
        findings: ['p95Ms 150 > 132.0 (baseline 120)'],
      }),
    ]);
    await post(`/runs/${run.id}/load-tests`, ciHeaders, {
      environment: 'staging',
      metrics: { ...baselineMetrics, p95Ms: 125 },
    });

    // The exception expires: the same finding blocks again.
    minutes(121);
    const expired = await post(`/runs/${run.id}/stages/4/claim`, ciHeaders);
    expect(expired.statusCode).toBe(409);
    expect(expired.json().gates.filter((g: { passed: boolean }) => !g.passed)).toEqual([
      expect.objectContaining({ gate: 'security', findings: ['F-101'] }),
    ]);

    // Fixed: a clean scan, and prod gets the deployment request with everything orchestration needs.
    await post(`/runs/${run.id}/security-scans`, ciHeaders, { ...sast, findings: [] });
    expect((await post(`/runs/${run.id}/stages/4/claim`, ciHeaders)).statusCode).toBe(200);
    const requested = (await f.store.readStream(`pipelineRun-${run.id}`)).filter(
      (e) => e.type === 'DeploymentRequested',
    );
    expect(requested.map((e) => e.data.environment)).toEqual(['staging', 'prod']);
    expect(requested[1]!.data).toMatchObject({
      service: 'payments-api',
      artifact: { name: 'payments-api', version: '2.4.0', sha256: run.sha256 },
      strategy: { type: 'canary', steps: [{ weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 }] },
      rollbackTarget: { name: 'payments-api', version: '2.3.0', sha256: first.sha256 },
    });
    // …and the relay carries it to NATS for orchestration.
    const jsm = await jetstreamManager(f.nc);
    const onBus = await f.until('the prod deployment request on the bus', async () => {
      const stored = await jsm.streams
        .getMessage(f.bus.stream, { last_by_subj: `${f.bus.prefix}.pipeline.pipelineRun.DeploymentRequested` })
        .catch(() => null);
      const event = stored ? decodeBusEvent(stored.data) : undefined;
      return event?.id === requested[1]!.id ? event : undefined;
    });
    expect(onBus.data).toEqual(requested[1]!.data);
    await post(`/runs/${run.id}/stages/4/result`, ciHeaders, { outcome: 'passed' });
    expect((await pass(run.id, 5)).status).toBe('succeeded');

    // The audit trail is the run's stream, every entry with its actor and reason.
    const audit = await f.app.inject({ method: 'GET', url: `/runs/${run.id}/audit`, headers: h.rm! });
    expect(audit.statusCode).toBe(200);
    const entries = audit.json().entries as { eventId: string; type: string; actor: { id: string }; reason: string }[];
    const stream = await f.store.readStream(`pipelineRun-${run.id}`);
    expect(entries.map((e) => [e.eventId, e.type])).toEqual(stream.map((e) => [e.id, e.type]));
    expect(entries.every((e) => e.actor.id.length > 0 && e.reason.length > 0)).toBe(true);
    expect(entries.filter((e) => e.type === 'PromotionBlocked').map((e) => e.actor.id)).toEqual([
      'ci-jenkins',
      'ci-jenkins',
      'ci-jenkins',
    ]);
    expect(entries.find((e) => e.type === 'ApprovalGranted')).toMatchObject({
      actor: { id: 'appr-cy' },
      reason: 'Change reviewed',
    });
  });
});
