import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { deploymentStream } from '@railyard/contracts';
import { createRelay, type Relay } from '@railyard/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';

// pipeline--deployment-outcomes: orchestration's outcome reports the deploy stage, so the run moves on by itself.
const stages = [
  { kind: 'build', name: 'build' },
  { kind: 'test', name: 'test' },
  { kind: 'deploy', name: 'staging', environment: 'staging' },
  { kind: 'verify', name: 'verify', environment: 'staging' },
];

let f: PipelineFixture;
let orchestrationRelay: Relay;
let dev: { authorization: string };

beforeAll(async () => {
  f = await startPipeline('pipeOutcomes');
  // Orchestration's relay, as it runs in its own process: this store stands in for the shared one.
  orchestrationRelay = createRelay({
    store: f.store,
    js: jetstream(f.nc),
    pool: f.pool,
    service: 'orchestration',
    subjectPrefix: f.bus.prefix,
    lockPollMs: 50,
  });
  await orchestrationRelay.start();
  dev = await f.auth('dev-ana', ['developer']);
  const rm = await f.auth('rm-ana', ['release-manager']);
  const sec = await f.auth('sec-lee', ['sre']);
  const policy = await f.app.inject({
    method: 'PUT',
    url: '/security-policies/default',
    headers: sec,
    payload: {
      rules: [
        {
          id: 'no-critical',
          description: 'no critical finding',
          expression: "finding.severity == 'critical'",
          maxCount: 0,
        },
      ],
      reason: 'Severity thresholds of the 2026 AppSec standard',
    },
  });
  expect(policy.statusCode, policy.body).toBe(200);
  const def = await f.app.inject({
    method: 'PUT',
    url: '/services/payments-api/pipeline-definition',
    headers: rm,
    payload: { tier: 'low', stages },
  });
  expect(def.statusCode, def.body).toBe(200);
});
afterAll(async () => {
  await orchestrationRelay?.stop();
  await f?.close();
});

async function runAtDeploy(version: string): Promise<{ runId: string; deploymentId: string }> {
  const sha256 = version.replaceAll('.', '').padEnd(64, 'd').slice(0, 64);
  await f.publishArtifact({ name: 'payments-api', version, sha256 });
  await f.until(`payments-api@${version} in the gates`, async () => {
    const res = await f.app.inject({ method: 'GET', url: `/artifacts/payments-api/${version}/gates`, headers: dev });
    return res.statusCode === 200 ? true : undefined;
  });
  const started = await f.app.inject({
    method: 'POST',
    url: '/runs',
    headers: dev,
    payload: { service: 'payments-api', artifact: { name: 'payments-api', version }, changeAuthor: 'dev-bo' },
  });
  expect(started.statusCode, started.body).toBe(201);
  const runId = started.json().id as string;
  for (const stage of [0, 1]) {
    await f.app.inject({ method: 'POST', url: `/runs/${runId}/stages/${stage}/claim`, headers: ciHeaders });
    const res = await f.app.inject({
      method: 'POST',
      url: `/runs/${runId}/stages/${stage}/result`,
      headers: ciHeaders,
      payload: { outcome: 'passed' },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const claim = await f.app.inject({ method: 'POST', url: `/runs/${runId}/stages/2/claim`, headers: ciHeaders });
  expect(claim.statusCode, claim.body).toBe(200);
  const requested = (await f.store.readStream(`pipelineRun-${runId}`)).find((e) => e.type === 'DeploymentRequested');
  expect(requested).toBeDefined();
  return { runId, deploymentId: requested!.id };
}

/** Appends an outcome to `deployment-<id>` as orchestration would; its relay carries it to the bus. */
async function outcome(
  runId: string,
  deploymentId: string,
  type: 'DeploymentSucceeded' | 'DeploymentRefused' | 'DeploymentRolledBack',
) {
  const subject = {
    deploymentId,
    runId,
    stage: 2,
    releaseId: null,
    planId: null,
    service: 'payments-api',
    environment: 'staging',
    environmentTier: 'staging',
    artifact: { name: 'payments-api', version: '1.0.0', sha256: 'd'.repeat(64) },
  };
  const data =
    type === 'DeploymentSucceeded'
      ? { ...subject, commits: [], startedAt: '2026-11-26T09:00:00.000Z', reason: 'Every step succeeded.' }
      : type === 'DeploymentRolledBack'
        ? {
            ...subject,
            to: { name: 'payments-api', version: '0.9.0', sha256: 'e'.repeat(64) },
            trigger: { kind: 'monitoring', triggerId: randomUUID(), by: 'monitoring' },
            reason: 'Rolled back to 0.9.0: canary judged Fail.',
          }
        : {
            ...subject,
            checks: [{ check: 'window', passed: false, reason: 'Blocked by the freeze.' }],
            reason: 'Blocked by the freeze.',
          };
  const metadata = {
    occurredAt: new Date().toISOString(),
    actor: { id: 'orchestration-deployments', kind: 'system' as const, roles: [] },
    correlationId: runId,
    causationId: deploymentId,
    schemaVersion: 1,
  };
  await f.store.append(deploymentStream(deploymentId), [{ id: randomUUID(), type, data, metadata }], 'any');
}

const runOf = async (runId: string) =>
  (await f.app.inject({ method: 'GET', url: `/runs/${runId}`, headers: dev })).json();

describe('a deploy stage and its deployment', () => {
  it('passes when the deployment succeeds: the run reaches verify without anyone posting', async () => {
    const { runId, deploymentId } = await runAtDeploy('1.0.0');
    await outcome(runId, deploymentId, 'DeploymentSucceeded');
    const run = await f.until('the run at verify', async () => {
      const r = await runOf(runId);
      return r.currentStage === 3 ? r : undefined;
    });
    expect(run.status).toBe('running');
    const reported = (await f.store.readStream(`pipelineRun-${runId}`)).filter((e) => e.type === 'StageReported');
    expect(reported.at(-1)).toMatchObject({
      data: { stage: 2, outcome: 'passed', executor: 'orchestration' },
      metadata: { correlationId: runId },
    });
    // A redelivered outcome changes nothing.
    await outcome(runId, deploymentId, 'DeploymentSucceeded');
    await f.until('the consumer to handle it', async () =>
      (f.runtime.deploymentOutcomes?.status().handled ?? 0) >= 2 ? true : undefined,
    );
    const after = (await f.store.readStream(`pipelineRun-${runId}`)).filter((e) => e.type === 'StageReported');
    expect(after).toHaveLength(reported.length);
  });

  it('fails the run when the deployment is refused', async () => {
    const { runId, deploymentId } = await runAtDeploy('1.1.0');
    await outcome(runId, deploymentId, 'DeploymentRefused');
    const run = await f.until('the run to fail', async () => {
      const r = await runOf(runId);
      return r.status === 'failed' ? r : undefined;
    });
    expect(run.currentStage).toBeNull();
    const failed = (await f.store.readStream(`pipelineRun-${runId}`)).find((e) => e.type === 'PipelineRunFailed');
    expect(failed?.data).toMatchObject({ stage: 2, reason: expect.stringContaining('Blocked by the freeze.') });
  });

  it('fails the run when its canary is rolled back before it succeeded, and ignores a rollback after success', async () => {
    const { runId, deploymentId } = await runAtDeploy('1.2.0');
    await outcome(runId, deploymentId, 'DeploymentRolledBack');
    const run = await f.until('the run to fail', async () => {
      const r = await runOf(runId);
      return r.status === 'failed' ? r : undefined;
    });
    const failed = (await f.store.readStream(`pipelineRun-${runId}`)).find((e) => e.type === 'PipelineRunFailed');
    expect(failed?.data).toMatchObject({ stage: 2, reason: expect.stringContaining('canary judged Fail') });
    expect(run.currentStage).toBeNull();

    const later = await runAtDeploy('1.3.0');
    await outcome(later.runId, later.deploymentId, 'DeploymentSucceeded');
    await f.until('the run at verify', async () => ((await runOf(later.runId)).currentStage === 3 ? true : undefined));
    const before = (await f.store.readStream(`pipelineRun-${later.runId}`)).length;
    const handled = f.runtime.deploymentOutcomes?.status().handled ?? 0;
    await outcome(later.runId, later.deploymentId, 'DeploymentRolledBack');
    await f.until('the consumer to handle it', async () =>
      (f.runtime.deploymentOutcomes?.status().handled ?? 0) > handled ? true : undefined,
    );
    expect(await f.store.readStream(`pipelineRun-${later.runId}`)).toHaveLength(before);
    expect((await runOf(later.runId)).status).toBe('running');
  });
});
