import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { busStreamNames } from '@railyard/contracts';
import {
  createTestDatabase,
  type TestDatabase,
  testInfra,
  testSubjectPrefix,
  uniqueSuffix,
  waitFor,
} from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './client.js';
import {
  ANALYST_PASSWORD,
  missingBuild,
  PAGERDUTY_ROUTING_KEY,
  type Platform,
  REPO_ROOT,
  startPlatform,
} from './platform.js';
import {
  createTrain,
  deployBaseline,
  expectRollbackNotice,
  type FirstRelease,
  grantPrivileges,
  namesOf,
  type Planning,
  people,
  prepareEstate,
  type Release,
  type Reporter,
  type Run,
  reportDora,
  retrospectiveBecomesPolicy,
  type StoryContext,
  scrapeTargets,
  shipFirstRelease,
  shipSecondRelease,
} from './story.js';

/**
 * Issue 16: a release's whole life across the six services, started as production starts them (the six services as
 * child processes of `npm start`'s launcher, built code), with the reference deploy agent, a real Prometheus, a fake
 * PagerDuty and a notification webhook on loopback, driven over HTTP only. The steps are e2e/src/story.ts, which
 * `npm run demo` tells a person; this front-end asserts each service's view of what they did.
 *
 * Governance part 2 is in the story: grants before the first approval (prod approvals, deployments and the lead's
 * actions need them), the rollback's notice at the webhook, and the retrospective whose action becomes a policy
 * version. Rollback drills and the lead rotation have their own scenarios (tools/railyard: drill-risk and
 * lead-rotation), not this story.
 */
const SECRET = `e2e-secret-${uniqueSuffix()}-long-enough-for-hs256`;
const log = process.env.E2E_LOG === '1';

let db: TestDatabase;
let prefix: string;
let platform: Platform;
let ctx: StoryContext;
const lines: string[] = [];
const ns = `e${uniqueSuffix().slice(0, 6)}`;
const n = namesOf(ns);

const reporter: Reporter = {
  step(service, text) {
    const line = `[${service}] ${text}`;
    lines.push(line);
    if (log) process.stderr.write(`${line}\n`);
  },
  async wait(label, probe, timeoutMs = 60_000) {
    // A probe answers undefined until it holds; the value it then gives may be any (boxed: waitFor wants truthy).
    const found = await waitFor(
      label,
      async () => {
        const value = await probe();
        return value === undefined ? undefined : { value };
      },
      {
        timeoutMs,
        intervalMs: 200,
        context: () =>
          `story so far:\n${lines.join('\n')}\nservices' last output:\n${platform.recentOutput().slice(-6000)}`,
      },
    );
    return found.value;
  },
};

let startedAt = 0;
let baseline: Run[] = [];
let planning: Planning;
let first: FirstRelease;
let second: Release;
let grants: string[] = [];
let retrospective: Awaited<ReturnType<typeof retrospectiveBecomesPolicy>>;

beforeAll(async () => {
  startedAt = performance.now();
  const missing = missingBuild();
  if (missing.length > 0) {
    throw new Error(
      `the e2e test runs the built services, as npm start does; run \`npm run build\` first (missing: ${missing.join(', ')})`,
    );
  }
  const infra = await testInfra();
  db = await createTestDatabase('e2e');
  prefix = testSubjectPrefix('e2e');
  platform = await startPlatform({
    databaseUrl: db.url,
    natsUrl: infra.natsUrl,
    subjectPrefix: prefix,
    authSecret: SECRET,
    scrape: scrapeTargets(ns),
    output: log ? (t) => process.stderr.write(t) : undefined,
  });
  ctx = {
    client: new Client(platform.urls, SECRET),
    ns,
    agentUrl: platform.agentUrl,
    pagerDuty: platform.pagerDuty,
    report: reporter,
  };
  reporter.step('launcher', `six services up in ${Math.round(performance.now() - startedAt)} ms`);
}, 180_000);

afterAll(async () => {
  if (platform) {
    console.info(lines.join('\n'));
    const rss = platform.rss();
    console.info(
      `[measure] e2e wall time ${Math.round(performance.now() - startedAt)} ms; RSS at the end: ${Object.entries(rss)
        .map(([s, b]) => `${s} ${Math.round(b / 1048576)} MiB`)
        .join(', ')}`,
    );
    await platform.stop();
  }
  if (prefix) {
    const nc = await connect({ servers: (await testInfra()).natsUrl });
    const jsm = await jetstreamManager(nc);
    const names = busStreamNames(prefix);
    await jsm.streams.delete(names.stream).catch(() => {});
    await jsm.streams.delete(names.deadLetterStream).catch(() => {});
    await nc.drain();
  }
  await db?.drop();
}, 60_000);

describe("a release's whole life across the six services, over HTTP (issue 16)", () => {
  it('prepares the estate and deploys what runs today', async () => {
    await prepareEstate(ctx);
    grants = await grantPrivileges(ctx);
    expect(new Set(grants).size).toBe(5);
    baseline = await deployBaseline(ctx);
    expect(platform.agent.fleet.target(n.web, n.environment).live).toEqual([{ version: '1.0.0', weight: 100 }]);
  }, 240_000);

  it('plans, builds, deploys wave 1; the web canary of wave 2 regresses and monitoring rolls it back; PagerDuty is paged and an incident opens', async () => {
    expect(baseline).toHaveLength(3);
    planning = await createTrain(ctx);
    first = await shipFirstRelease(ctx, planning);
    expect(platform.agent.fleet.target(n.web, n.environment).live).toEqual([{ version: '1.0.0', weight: 100 }]);
    expect(platform.agent.fleet.target(n.orders, n.environment).live).toEqual([{ version: '1.1.0', weight: 100 }]);
    // Governance: the rollback's notice (with its pre-rollback snapshot) reached the notification webhook, and the
    // retrospective's action became a new version of the deployment policy.
    const notice = await expectRollbackNotice(ctx, platform.notices, first.rolledBack.deploymentId);
    expect(JSON.stringify(notice.body)).toContain('1.0.0');
    retrospective = await retrospectiveBecomesPolicy(ctx, first.rolledBack.deploymentId);
    expect(retrospective.adopted.policyVersion).toBe(2);
    expect(retrospective.diff.changes).toEqual([
      { type: 'CREATE', path: ['tiers', 'prod', 'requiredChecks', 1], value: 'checkout-error-load-test' },
    ]);
    expect(retrospective.diff.reasons).toEqual([
      {
        version: 2,
        reason: expect.objectContaining({
          kind: 'retrospective-action',
          ref: `${retrospective.retrospectiveId}/${retrospective.actionId}`,
        }),
      },
    ]);
  }, 300_000);

  it('ships the second release cleanly', async () => {
    expect(first).toBeDefined();
    second = await shipSecondRelease(ctx, planning);
    expect(platform.agent.fleet.target(n.web, n.environment).live).toEqual([{ version: '1.2.0', weight: 100 }]);
  }, 300_000);

  it("holds each service's view of the releases", async () => {
    expect(second).toBeDefined();
    const { client } = ctx;
    const as = people;
    // Planning: the first release rolled back, the second released; both CAB-approved by the quorum.
    const r1 = await client.call('planning', 'GET', `/releases/${first.release.id}`, as.rm);
    const r2 = await client.call('planning', 'GET', `/releases/${second.id}`, as.rm);
    expect([r1.status, r2.status]).toEqual(['rolled-back', 'released']);
    expect(r2.cab).toMatchObject({ decision: 'approved' });
    // Artifact: each version signed and promoted to prod; the bundles hold them.
    const web2 = await client.call('artifact', 'GET', `/artifacts/${n.web}/1.2.0`, as.dev);
    expect(web2).toMatchObject({ promotions: ['prod'], scans: { vulnerabilities: { critical: 0 } } });
    expect(web2.signatures).toHaveLength(1);
    const bundle = await client.call('artifact', 'GET', `/bundles/${ns}-shop/2026.12.1`, as.dev);
    expect(bundle.artifacts.map((a: { name: string }) => a.name).sort()).toEqual([n.orders, n.search, n.web].sort());
    // Pipeline: the web run of the first release failed at its deploy stage; every other run succeeded.
    const runOf = (run: Run) => client.call('pipeline', 'GET', `/runs/${run.runId}`, as.dev);
    expect((await runOf(first.rolledBack)).status).toBe('failed');
    for (const run of [
      ...baseline,
      first.release.runs[n.orders]!,
      first.release.runs[n.search]!,
      second.runs[n.web]!,
    ]) {
      expect((await runOf(run)).status, run.service).toBe('succeeded');
    }
    // Orchestration: the deployments, the plans.
    const dep = (run: Run) => client.call('orchestration', 'GET', `/deployments/${run.deploymentId}`, as.dev);
    expect(await dep(first.rolledBack)).toMatchObject({
      status: 'rolled-back',
      planId: first.release.planId,
      rollbackTarget: { version: '1.0.0' },
    });
    expect((await dep(second.runs[n.web]!)).status).toBe('succeeded');
    const plan2 = await client.call('orchestration', 'GET', `/plans/${second.planId}`, as.lead);
    expect(plan2.status).toBe('completed');
    // Monitoring: the canary judged Fail on Prometheus' error rate, the rollback raised on that judgement.
    const watch = await client.call('monitoring', 'GET', `/deployments/${first.rolledBack.deploymentId}/watch`, as.sre);
    expect(watch.rollback).toMatchObject({ releaseId: first.release.id, criterion: { kind: 'canary' } });
    const judgement = await client.call(
      'monitoring',
      'GET',
      `/canary/judgements/${watch.rollback.judgementId}`,
      as.sre,
    );
    expect(judgement).toMatchObject({
      verdict: 'Fail',
      subject: { deploymentId: first.rolledBack.deploymentId, canaryVersion: '1.1.0', baselineVersion: '1.0.0' },
    });
    expect(first.page).toMatchObject({
      routing_key: PAGERDUTY_ROUTING_KEY,
      payload: { custom_details: { release: first.release.id, lead: people.lead.sub } },
    });
    // Governance: the incident from the page, and the DORA figures of web: 2 succeeded, 1 rolled back → CFR 1/3.
    const incident = await client.call('governance', 'GET', `/incidents/${first.incidentId}`, as.sre);
    expect(incident).toMatchObject({ service: n.web, severity: 'SEV2' });
    const figures = await reportDora(ctx, { service: n.web, reached: 3 });
    const webDeployments = [baseline[2]!, first.rolledBack, second.runs[n.web]!].map((r) => r.deploymentId);
    expect(figures.deploymentFrequency).toMatchObject({
      deployments: 2,
      deploymentIds: [webDeployments[0], webDeployments[2]],
    });
    expect(figures.changeFailureRate).toMatchObject({
      numerator: 1,
      denominator: 3,
      deploymentIds: [first.rolledBack.deploymentId],
    });
    expect([...figures.changeFailureRate.denominatorDeploymentIds].sort()).toEqual([...webDeployments].sort());
  }, 120_000);

  it('passes `railyard audit verify`, exports the release from all six services, and psql answers the same figures', async () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools/railyard/dist/cli.js'), ...args], {
        env: { ...process.env, DATABASE_URL: db.url },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    const audit = cli('audit', 'verify');
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    const exported = cli('export', '--correlation', first.release.correlation);
    expect(exported.status, exported.stderr).toBe(0);
    const bundle = JSON.parse(exported.stdout) as {
      events: { type: string; streamId: string }[];
      verification: { ok: boolean };
    };
    expect(bundle.verification.ok).toBe(true);
    const categories = new Set(bundle.events.map((e) => e.streamId.split('-')[0]));
    // The release's correlation crosses every service: headers, then each event's metadata onto the next one's.
    const byService = {
      planning: ['release'],
      artifact: ['bundle', 'artifact'],
      pipeline: ['pipelineRun'],
      orchestration: ['deployment', 'rolloutPlan', 'bookingCalendar'],
      monitoring: ['deploymentWatch', 'anomaly', 'canaryJudgement'],
      governance: ['incident'],
    };
    for (const [service, owned] of Object.entries(byService)) {
      expect(
        owned.some((c) => categories.has(c)),
        `${service} in the export (${[...categories].join(', ')})`,
      ).toBe(true);
    }

    const url = new URL(db.url);
    url.username = 'railyard_analyst';
    url.password = ANALYST_PASSWORD;
    const psql = spawnSync(
      'psql',
      [
        url.toString(),
        '-XAtc',
        `SELECT count(*) FILTER (WHERE succeeded), count(*) FILTER (WHERE failed), count(*),
                string_agg(deployment_id::text, ',') FILTER (WHERE failed)
           FROM reporting.dora_deployments WHERE service = '${n.web}'`,
      ],
      { encoding: 'utf8' },
    );
    expect(psql.status, psql.stderr).toBe(0);
    expect(psql.stdout.trim()).toBe(`2|1|3|${first.rolledBack.deploymentId}`);
  }, 120_000);
});
