import { createHash, randomBytes } from 'node:crypto';
import type { Client, Principal } from './client.js';
import { incidentIdOfAnomaly } from './ids.js';

/**
 * A release's whole life across the six services, as one module of steps with two front-ends: the end-to-end test
 * (e2e/src/release.e2e.test.ts) asserts on what the steps return; `npm run demo` prints what each step did. Every
 * step goes through the services' HTTP APIs only, as the people and systems of the organisation would.
 *
 * Everything the story creates is named under its namespace (`ns`): services, environment, train, bundle. Two runs
 * in one database (the demo, twice) never meet.
 */

export interface Reporter {
  /** One line: what happened, and which service did it. */
  step(service: string, text: string): void;
  /** Waits for `probe` to answer something (not undefined), showing progress for a long wait. */
  wait<T>(label: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
}

export interface StoryContext {
  client: Client;
  ns: string;
  /** The reference deploy agent's base URL: the demo tells it how each version behaves. */
  agentUrl: string;
  /** What the fake PagerDuty received. */
  pagerDuty: { received: { path: string; body: Record<string, unknown> }[] };
  report: Reporter;
}

export const people = {
  rm: { sub: 'rm-ana', roles: ['release-manager'] },
  po: { sub: 'po-cy', roles: ['product-owner'] },
  cab1: { sub: 'cab-dee', roles: ['cab-member'] },
  cab2: { sub: 'cab-eli', roles: ['cab-member'] },
  dev: { sub: 'dev-bo', roles: ['developer'] },
  ci: { sub: 'ci-jenkins', roles: ['deployer', 'developer'] },
  approver: { sub: 'appr-fay', roles: ['approver'] },
  deployer: { sub: 'dep-joe', roles: ['deployer'] },
  sre: { sub: 'sre-sam', roles: ['sre'] },
  lead: { sub: 'lead-lou', roles: ['deployment-lead'] },
  admin: { sub: 'admin-kim', roles: ['admin'] },
  analyst: { sub: 'ana-lyst', roles: ['analyst'] },
} satisfies Record<string, Principal>;

/** The three services of the story, by role: a provider, an independent one, and a consumer of the provider. */
export interface Names {
  orders: string;
  search: string;
  web: string;
  environment: string;
  teams: { orders: string; search: string; web: string };
}

export const namesOf = (ns: string): Names => ({
  orders: `${ns}-orders`,
  search: `${ns}-search`,
  web: `${ns}-web`,
  environment: `${ns}-prod`,
  teams: { orders: `${ns}-checkout`, search: `${ns}-discovery`, web: `${ns}-storefront` },
});

/** What runs in production before the story; then the first release (web regresses), then its fix. */
export const VERSIONS = { baseline: '1.0.0', first: '1.1.0', second: '1.2.0' } as const;

/** Every (service, version) whose metrics Prometheus must scrape from the agent. */
export function scrapeTargets(ns: string) {
  const n = namesOf(ns);
  const targets: { service: string; environment: string; version: string }[] = [];
  for (const service of [n.orders, n.search, n.web]) {
    for (const version of Object.values(VERSIONS)) targets.push({ service, environment: n.environment, version });
  }
  return targets;
}

export interface Run {
  service: string;
  version: string;
  runId: string;
  deploymentId: string;
}

export interface Release {
  id: string;
  name: string;
  correlation: string;
  services: string[];
  versions: Record<string, string>;
  planId?: string;
  bookingId?: string;
  runs: Record<string, Run>;
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
/** The end of an id: UUIDv7s of one minute share their beginning. */
export const short = (id: string) => id.slice(-8);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function agentControl(ctx: StoryContext, path: string, body: object): Promise<void> {
  const res = await fetch(`${ctx.agentUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`the agent answered ${res.status} to PUT ${path}: ${await res.text()}`);
}

/** The agent's simulated app for a version: 2 ms answers; its error rate as given (0.1 % is a healthy default). */
export async function behave(ctx: StoryContext, service: string, version: string, errorRate = 0.001) {
  await agentControl(ctx, `/control/metrics/${service}/${namesOf(ctx.ns).environment}/${version}`, {
    latencyMs: 2,
    errorRate,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The estate: an environment, a deployment window, pipeline definitions, a signing key.

export async function prepareEstate(ctx: StoryContext): Promise<{ calendarId: string }> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  await client.call('orchestration', 'POST', '/environments', people.sre, {
    body: {
      name: n.environment,
      service: n.orders,
      tier: 'prod',
      region: 'eu',
      iac: { template: 'git@infra:modules/shop', version: '4.2.0', parameters: { replicas: 2 } },
    },
  });
  report.step('orchestration', `environment ${n.environment} registered (tier prod, eu)`);
  const calendar = await client.call('orchestration', 'POST', '/calendars', people.rm, {
    body: { name: `${ctx.ns} change calendar` },
  });
  await client.call('orchestration', 'POST', `/calendars/${calendar.id}/windows`, people.rm, {
    body: {
      kind: 'allow',
      schedule: '0 0 * * *',
      durationMinutes: 1440,
      timeZone: 'UTC',
      selectors: { tiers: ['prod'] },
    },
  });
  report.step('orchestration', 'deployment window: prod may change any time today (an allow window, daily)');
  await client.call('pipeline', 'PUT', '/security-policies/default', people.sre, {
    body: {
      rules: [
        {
          id: 'no-critical',
          description: 'no critical finding',
          expression: "finding.severity == 'critical'",
          maxCount: 0,
        },
      ],
      reason: 'AppSec standard',
    },
  });
  for (const service of [n.orders, n.search, n.web]) {
    await client.call('pipeline', 'PUT', `/services/${service}/pipeline-definition`, people.rm, {
      body: {
        tier: 'critical',
        stages: [
          { kind: 'build', name: 'build' },
          { kind: 'test', name: 'test' },
          {
            kind: 'approval',
            name: 'prod approval',
            environment: n.environment,
            groups: ['approver'],
            minApprovals: 1,
            expiresAfterMinutes: 120,
          },
          { kind: 'deploy', name: 'prod', environment: n.environment },
          { kind: 'verify', name: 'verify', environment: n.environment },
        ],
      },
    });
  }
  report.step('pipeline', `pipeline definitions: build → test → approval → canary to ${n.environment} → verify`);
  await client.call('artifact', 'POST', '/signing-keys', people.admin);
  report.step('artifact', 'a signing key generated (its private half encrypted at rest)');
  return { calendarId: calendar.id };
}

// ---------------------------------------------------------------------------------------------------------------
// Artifacts: upload, scan, sign, promote; bundle.

export async function publishArtifact(ctx: StoryContext, service: string, version: string): Promise<string> {
  const { client } = ctx;
  const bytes = randomBytes(4096);
  const uploaded = await client.call('artifact', 'PUT', `/artifacts/${service}/${version}`, people.ci, {
    bytes,
    headers: { 'x-source-commit': sha256(bytes).slice(0, 12), 'x-source-repository': `https://git.example/${service}` },
  });
  const a = `/artifacts/${service}/${version}`;
  await client.call('artifact', 'POST', `${a}/scans`, people.ci, {
    body: { kind: 'static-analysis', tool: 'semgrep', findings: { critical: 0, high: 0, medium: 1, low: 3 } },
  });
  await client.call('artifact', 'POST', `${a}/scans`, people.ci, {
    body: { kind: 'vulnerabilities', tool: 'grype', counts: { critical: 0, high: 0, medium: 0, low: 2 } },
  });
  await client.call('artifact', 'POST', `${a}/scans`, people.ci, {
    body: {
      kind: 'licenses',
      tool: 'syft',
      sbom: {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        metadata: { component: { name: service } },
        components: [{ type: 'library', name: 'fastify', version: '5.0.0', licenses: [{ license: { id: 'MIT' } }] }],
      },
    },
  });
  await client.call('artifact', 'POST', `${a}/signatures`, people.rm);
  await client.call('artifact', 'POST', `${a}/promotions`, people.deployer, { body: { stage: 'prod' } });
  return uploaded.sha256 as string;
}

export async function publishRelease(ctx: StoryContext, release: Release): Promise<void> {
  for (const service of release.services) {
    const digest = await publishArtifact(ctx, service, release.versions[service]!);
    ctx.report.step(
      'artifact',
      `${service}@${release.versions[service]} uploaded (sha256 ${digest.slice(0, 12)}…), scanned clean, signed, promoted to prod`,
    );
  }
  const n = namesOf(ctx.ns);
  const artifacts = release.services.map((s) => ({ name: s, version: release.versions[s]! }));
  const constraints =
    release.versions[n.web] && release.versions[n.orders]
      ? [{ from: n.web, to: n.orders, range: `^${release.versions[n.orders]}` }]
      : [];
  const bundle = await ctx.client.call('artifact', 'POST', '/bundles', people.rm, {
    body: { name: `${ctx.ns}-shop`, version: release.name.replace(/^.* /, ''), artifacts, constraints },
    correlation: release.correlation,
  });
  ctx.report.step(
    'artifact',
    `bundle ${bundle.name}@${bundle.version}: ${artifacts.length} artifact(s), one composite version`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Pipeline: one run per service, gated by an approval, up to the deploy stage (which asks orchestration).

const DEPLOY_STAGE = 3;
const VERIFY_STAGE = 4;

async function passStage(ctx: StoryContext, runId: string, stage: number, correlation?: string) {
  await ctx.client.call('pipeline', 'POST', `/runs/${runId}/stages/${stage}/claim`, people.ci, { correlation });
  return ctx.client.call('pipeline', 'POST', `/runs/${runId}/stages/${stage}/result`, people.ci, {
    body: { outcome: 'passed' },
    correlation,
  });
}

/** Starts the run once the pipeline knows the artifact (from artifact's events on the bus), and takes it to deploy. */
export async function runToDeploy(ctx: StoryContext, service: string, version: string, release?: Release) {
  const { client, report } = ctx;
  const correlation = release?.correlation;
  await report.wait(`pipeline to learn of ${service}@${version} (artifact → bus → pipeline)`, async () => {
    const res = await client.send('pipeline', 'GET', `/artifacts/${service}/${version}/gates`, people.dev);
    return res.status === 200 && res.body.signed ? true : undefined;
  });
  const run = await client.call('pipeline', 'POST', '/runs', people.dev, {
    body: {
      service,
      artifact: { name: service, version },
      changeAuthor: people.dev.sub,
      ...(release ? { releaseId: release.id } : {}),
    },
    correlation,
  });
  const runId = run.id as string;
  // The load test of the build: accepted runs keep it as the performance baseline of the next ones.
  await client.call('pipeline', 'POST', `/runs/${runId}/load-tests`, people.ci, {
    body: {
      environment: namesOf(ctx.ns).environment,
      metrics: { p50Ms: 2, p95Ms: 3, p99Ms: 5, throughputRps: 200, errorRate: 0.001 },
    },
    correlation,
  });
  await passStage(ctx, runId, 0, correlation);
  await passStage(ctx, runId, 1, correlation);
  // The approver's grant reaches pipeline over the bus: until it has, a prod approval is refused (403, nothing kept).
  await report.wait(`pipeline to accept ${people.approver.sub}'s approval (learning the approve grant)`, async () => {
    const res = await client.send('pipeline', 'POST', `/runs/${runId}/stages/2/approvals`, people.approver, {
      body: { reason: release ? `CAB approved ${release.name}` : 'What runs in production today' },
      correlation,
    });
    if (res.status >= 200 && res.status < 300) return true;
    if (res.status === 403 && res.body?.code === 'PIPELINE_GRANT_REQUIRED') return undefined;
    throw new Error(`approval answered ${res.status}: ${JSON.stringify(res.body)}`);
  });
  await client.call('pipeline', 'POST', `/runs/${runId}/stages/${DEPLOY_STAGE}/claim`, people.ci, { correlation });
  const deployment = await report.wait(`orchestration to receive the deployment of ${service}@${version}`, async () => {
    const list = await client.call('orchestration', 'GET', `/deployments?service=${service}`, people.dev);
    return (list.items as { id: string; runId: string }[]).find((d) => d.runId === runId);
  });
  report.step(
    'pipeline',
    `run ${short(runId)} of ${service}@${version}: build ✓ test ✓ approved by ${people.approver.sub} → deployment requested`,
  );
  return { service, version, runId, deploymentId: deployment.id } satisfies Run;
}

export const deploymentOf = (ctx: StoryContext, id: string) =>
  ctx.client.call('orchestration', 'GET', `/deployments/${id}`, people.dev);

export async function deploymentReaches(ctx: StoryContext, run: Run, statuses: string[], timeoutMs = 90_000) {
  let last: unknown;
  try {
    return await ctx.report.wait(
      `${run.service}@${run.version} to be ${statuses.join(' or ')}`,
      async () => {
        const d = await deploymentOf(ctx, run.deploymentId);
        last = d;
        return statuses.includes(d.status) ? d : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    const watch = await ctx.client.send('monitoring', 'GET', `/deployments/${run.deploymentId}/watch`, people.sre);
    throw new Error(
      `${(error as Error).message}\nthe deployment as orchestration last showed it: ${JSON.stringify(last)}` +
        `\nmonitoring's rollback: ${JSON.stringify(watch.body?.rollback ?? watch.body)}`,
    );
  }
}

/** After orchestration reported the deploy stage: verify, and accept (its version becomes the rollback target). */
export async function verifyAndAccept(ctx: StoryContext, run: Run, release?: Release) {
  const { client, report } = ctx;
  const correlation = release?.correlation;
  await report.wait(`run of ${run.service} to reach verify`, async () => {
    const r = await client.call('pipeline', 'GET', `/runs/${run.runId}`, people.dev);
    return r.currentStage === VERIFY_STAGE ? r : undefined;
  });
  const verified = await passStage(ctx, run.runId, VERIFY_STAGE, correlation);
  await client.call('pipeline', 'POST', `/runs/${run.runId}/accept`, people.rm, {
    body: { reason: 'Released' },
    correlation,
  });
  return verified;
}

/** What runs in production before the story: each service's 1.0.0, deployed without a release, accepted. */
export async function deployBaseline(ctx: StoryContext): Promise<Run[]> {
  const n = namesOf(ctx.ns);
  const services = [n.orders, n.search, n.web];
  for (const service of services) {
    for (const version of Object.values(VERSIONS)) await behave(ctx, service, version);
  }
  const runs: Run[] = [];
  for (const service of services) {
    await publishArtifact(ctx, service, VERSIONS.baseline);
    runs.push(await runToDeploy(ctx, service, VERSIONS.baseline));
  }
  for (const run of runs) {
    await deploymentReaches(ctx, run, ['succeeded']);
    await verifyAndAccept(ctx, run);
  }
  ctx.report.step('orchestration', `baseline live: ${services.map((s) => `${s}@${VERSIONS.baseline}`).join(', ')}`);
  return runs;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning: train slot, scope, dependencies, compliance, criteria, freeze, CAB.

export interface Planning {
  trainId: string;
  slotDate: string;
  riskPolicyId: string;
}

export async function createTrain(ctx: StoryContext): Promise<Planning> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  const firstSlot = day(7);
  const train = await client.call('planning', 'POST', '/release-trains', people.rm, {
    body: {
      name: `${ctx.ns} shop train`,
      timeZone: 'Europe/Paris',
      firstSlot,
      everyWeeks: 1,
      releaseTime: '10:00',
      cutoffDaysBefore: 2,
      teams: Object.values(n.teams),
    },
  });
  const policy = await client.call('planning', 'POST', '/risk-policies', people.rm, {
    body: {
      name: `${ctx.ns} CAB policy`,
      rules: {
        factors: [
          { factor: 'scopeSize', weight: 2 },
          { factor: 'criticalServices', weight: 5 },
          { factor: 'complianceFlags', weight: 1 },
          { factor: 'openDependencies', weight: 3 },
          { factor: 'exceptionsGranted', weight: 4 },
          { factor: 'rollbackReadiness', weight: 10 },
        ],
        levels: [
          { level: 'low', minScore: 0, quorum: 2 },
          { level: 'medium', minScore: 10, quorum: 2 },
          { level: 'high', minScore: 30, quorum: 2 },
        ],
      },
    },
  });
  report.step('planning', `release train "${train.name}" weekly, first slot ${firstSlot}; CAB policy: quorum of 2`);
  return { trainId: train.id, slotDate: train.upcomingSlots[0].slotDate, riskPolicyId: policy.id };
}

export const CRITERIA = {
  errorRate: { maxPercent: 2, windowSeconds: 30 },
  latency: { percentile: 95, maxMs: 800, windowSeconds: 30 },
  healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 1 },
  dataIntegrityChecks: [],
};

export async function planRelease(
  ctx: StoryContext,
  planning: Planning,
  spec: { name: string; versions: Record<string, string> },
): Promise<Release> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  const created = await client.call('planning', 'POST', '/releases', people.rm, {
    body: { name: spec.name, targetDate: planning.slotDate, trainId: planning.trainId },
  });
  const release: Release = {
    id: created.id,
    name: spec.name,
    correlation: `release-${created.id}`,
    services: Object.keys(spec.versions),
    versions: spec.versions,
    runs: {},
  };
  const r = `/releases/${release.id}`;
  const c = { correlation: release.correlation };
  await client.call('planning', 'PUT', `${r}/train-slot`, people.rm, {
    body: { trainId: planning.trainId, slotDate: planning.slotDate },
    ...c,
  });
  report.step('planning', `release "${spec.name}" planned on the train's ${planning.slotDate} slot`);
  const teamOf = (service: string) =>
    service === n.orders ? n.teams.orders : service === n.search ? n.teams.search : n.teams.web;
  for (const service of release.services) {
    const item = await client.call('planning', 'POST', `${r}/scope-items`, people.dev, {
      body: {
        title: `${service} ${spec.versions[service]}`,
        team: teamOf(service),
        kind: 'feature',
        roadmapRef: `RM-${service}`,
        service,
        criticality: 'high',
      },
      ...c,
    });
    await client.call('planning', 'POST', `${r}/scope-items/${item.itemId}/accept`, people.po, c);
  }
  report.step(
    'planning',
    `scope: ${release.services.length} item(s) proposed by ${people.dev.sub}, accepted by ${people.po.sub}`,
  );
  if (release.services.includes(n.web) && release.services.includes(n.orders)) {
    const dep = await client.call('planning', 'POST', `${r}/dependencies`, people.dev, {
      body: { from: { team: n.teams.web }, to: { team: n.teams.orders }, kind: 'backend', owner: 'checkout-lead' },
      ...c,
    });
    await client.call('planning', 'PUT', `${r}/dependencies/${dep.id}/status`, people.dev, {
      body: { status: 'ready' },
      ...c,
    });
    report.step('planning', 'dependency: storefront needs the checkout API (blocking) — marked ready');
  }
  const requirement = await client.call('planning', 'POST', `${r}/compliance-requirements`, people.rm, {
    body: { control: 'data-residency', name: 'Order data stays in the EU', region: 'eu-west-1', mandatory: true },
    ...c,
  });
  const q = `${r}/compliance-requirements/${requirement.id}`;
  const evidence = await client.call('planning', 'POST', `${q}/evidence`, people.dev, {
    body: { link: `https://audit.example/${ctx.ns}/residency`, digest: `sha256:${'ab'.repeat(32)}` },
    ...c,
  });
  await client.call('planning', 'POST', `${q}/evidence/${evidence.id}/review`, people.cab1, {
    body: { verdict: 'accepted' },
    ...c,
  });
  report.step('planning', `compliance: data residency evidenced by ${people.dev.sub}, accepted by ${people.cab1.sub}`);
  for (const service of release.services) {
    await client.call('planning', 'PUT', `${r}/rollback-criteria/${service}`, people.rm, { body: CRITERIA, ...c });
  }
  report.step(
    'planning',
    'rollback criteria published per service: errors ≤ 2 %, p95 ≤ 800 ms (monitoring enforces them)',
  );
  const frozen = await client.call('planning', 'POST', `${r}/freeze`, people.rm, c);
  report.step('planning', `scope frozen (${frozen.status})`);
  const submitted = await client.call('planning', 'POST', `${r}/cab-submission`, people.rm, {
    body: { riskPolicyId: planning.riskPolicyId },
    ...c,
  });
  await client.call('planning', 'POST', `${r}/cab-votes`, people.cab1, { body: { vote: 'approve' }, ...c });
  const approved = await client.call('planning', 'POST', `${r}/cab-votes`, people.cab2, {
    body: { vote: 'approve' },
    ...c,
  });
  report.step(
    'planning',
    `CAB: risk ${submitted.risk.score} (${submitted.risk.level}), approved by ${people.cab1.sub} and ${people.cab2.sub} (${approved.status})`,
  );
  const deploying = await client.call('planning', 'POST', `${r}/deployment`, people.rm, c);
  report.step('planning', `release ${deploying.status}`);
  return release;
}

// ---------------------------------------------------------------------------------------------------------------
// Orchestration: a booked environment, a plan in waves with a runbook.

export async function planRollout(ctx: StoryContext, release: Release): Promise<void> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  const c = { correlation: release.correlation };
  const from = new Date(Date.now() - 1000).toISOString();
  const until = new Date(Date.now() + 2 * 3600_000).toISOString();
  const booking = await client.call('orchestration', 'POST', `/environments/${n.environment}/bookings`, people.rm, {
    body: { releaseId: release.id, phase: 'release', from, until },
    ...c,
  });
  release.bookingId = booking.id;
  report.step('orchestration', `${n.environment} booked for the release for two hours`);
  const services = release.services.map((service) => ({
    service,
    version: release.versions[service]!,
    provides: service === n.orders ? [{ api: `${ctx.ns}-orders-api`, version: release.versions[service]! }] : [],
    consumes:
      service === n.web && release.versions[n.orders]
        ? [{ api: `${ctx.ns}-orders-api`, range: `^${release.versions[n.orders]}` }]
        : [],
  }));
  const plan = await client.call('orchestration', 'POST', '/plans', people.lead, {
    body: {
      releaseId: release.id,
      environments: [n.environment],
      services,
      lead: people.lead.sub,
      escalation: [people.sre.sub],
      ackTimeoutMinutes: 15,
      runbook: {
        name: `${ctx.ns}-shop-release`,
        version: 1,
        steps: [
          {
            id: 'smoke',
            kind: 'custom',
            title: 'Place a test order on the storefront',
            ownerRole: 'sre',
            validation: 'order confirmation mail received',
            mandatory: true,
            environment: n.environment,
          },
        ],
      },
      reason: `rollout of ${release.name}`,
    },
    ...c,
  });
  release.planId = plan.planId;
  const waves = (plan.waves as { services: string[] }[]).map((w, i) => `wave ${i + 1}: ${w.services.join(' + ')}`);
  report.step(
    'orchestration',
    `rollout plan ${short(plan.planId)} by ${people.lead.sub}: ${waves.join('; ')}; runbook attached`,
  );
  await client.call('orchestration', 'POST', `/plans/${plan.planId}/promote`, people.lead, {
    body: { reason: 'CAB approved' },
    ...c,
  });
  report.step('orchestration', 'plan promoted: running');
}

export async function completeRunbook(ctx: StoryContext, release: Release) {
  const plan = await ctx.report.wait('every wave to complete (plan awaiting its runbook)', async () => {
    const p = await ctx.client.call('orchestration', 'GET', `/plans/${release.planId}`, people.lead);
    return p.status === 'awaiting-runbook' || p.status === 'completed' ? p : undefined;
  });
  if (plan.status === 'completed') return plan;
  const done = await ctx.client.call(
    'orchestration',
    'POST',
    `/plans/${release.planId}/runbook/steps/smoke`,
    people.sre,
    {
      body: { outcome: 'done', evidence: 'order #4711 confirmed' },
      correlation: release.correlation,
    },
  );
  ctx.report.step('orchestration', `runbook step "smoke" done by ${people.sre.sub}: plan ${done.status}`);
  return done;
}

export async function releaseBooking(ctx: StoryContext, release: Release) {
  if (!release.bookingId) return;
  await ctx.client.call(
    'orchestration',
    'DELETE',
    `/environments/${namesOf(ctx.ns).environment}/bookings/${release.bookingId}`,
    people.rm,
    { correlation: release.correlation },
  );
  ctx.report.step('orchestration', `${namesOf(ctx.ns).environment}'s booking given up by the release`);
}

// ---------------------------------------------------------------------------------------------------------------
// The first release: wave 1 goes out; the web canary in wave 2 regresses and is rolled back by monitoring.

export interface FirstRelease {
  release: Release;
  rolledBack: Run;
  rollbackTrigger: Record<string, unknown>;
  incidentId: string;
  page: Record<string, unknown>;
}

export async function shipFirstRelease(ctx: StoryContext, planning: Planning): Promise<FirstRelease> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  const release = await planRelease(ctx, planning, {
    name: `${ctx.ns} shop 2026.12.1`,
    versions: { [n.orders]: VERSIONS.first, [n.search]: VERSIONS.first, [n.web]: VERSIONS.first },
  });
  await publishRelease(ctx, release);
  await planRollout(ctx, release);
  // The regression: web 1.1.0 answers a quarter of its requests with 500s once it takes traffic.
  await behave(ctx, n.web, VERSIONS.first, 0.27);
  for (const service of release.services) {
    release.runs[service] = await runToDeploy(ctx, service, VERSIONS.first, release);
  }
  for (const service of [n.orders, n.search]) {
    const d = await deploymentReaches(ctx, release.runs[service]!, ['succeeded']);
    report.step('orchestration', `wave 1: ${service}@${VERSIONS.first} canary 25 % → 100 %: ${d.status}`);
    await verifyAndAccept(ctx, release.runs[service]!, release);
  }
  const web = release.runs[n.web]!;
  await deploymentReaches(ctx, web, ['started', 'rolling-back', 'rolled-back', 'succeeded']);
  report.step('orchestration', `wave 2: ${n.web}@${VERSIONS.first} canary takes 25 % of the traffic`);
  const watch = await report.wait('monitoring to judge the canary (Prometheus, every second)', async () => {
    const w = await client.send('monitoring', 'GET', `/deployments/${web.deploymentId}/watch`, people.sre);
    return w.status === 200 && w.body.rollback ? w.body : undefined;
  });
  report.step('monitoring', `rollback triggered: ${watch.rollback.reason ?? JSON.stringify(watch.rollback)}`);
  const rolled = await deploymentReaches(ctx, web, ['rolled-back']);
  // 1.1.0 takes no traffic any more: the agent's simulated app stops erring.
  await behave(ctx, n.web, VERSIONS.first);
  report.step(
    'orchestration',
    `${n.web} rolled back to ${rolled.rollbackTarget?.version} through the agent (deployment ${short(web.deploymentId)})`,
  );

  // Alertmanager fires on the 5xx: monitoring correlates it with the deployment, and pages when it stays open.
  const now = new Date().toISOString();
  const alert = await client.call('monitoring', 'POST', '/alerts/alertmanager', people.sre, {
    body: {
      version: '4',
      groupKey: `{}:{alertname="${n.web}-errors"}`,
      status: 'firing',
      receiver: 'railyard',
      groupLabels: { alertname: 'StorefrontErrors' },
      commonLabels: { alertname: 'StorefrontErrors', service: n.web, environment: n.environment },
      commonAnnotations: {},
      externalURL: 'http://alertmanager.example',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'StorefrontErrors', service: n.web, environment: n.environment, severity: 'critical' },
          annotations: { summary: `${n.web} 5xx above 2 %` },
          startsAt: now,
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: createHash('sha256').update(`${ctx.ns}-web-errors`).digest('hex').slice(0, 16),
        },
      ],
    },
  });
  report.step(
    'monitoring',
    `Alertmanager's alert correlated with deployment ${short(String(alert.alerts?.[0]?.deploymentId))} (${alert.alerts?.[0]?.relation})`,
  );
  const page = await report.wait('monitoring to page PagerDuty', async () =>
    ctx.pagerDuty.received.find(
      (r) =>
        r.path === '/v2/enqueue' &&
        r.body.event_action === 'trigger' &&
        (r.body.payload as { custom_details?: { deploymentId?: string } } | undefined)?.custom_details?.deploymentId ===
          web.deploymentId,
    ),
  );
  report.step('monitoring', `PagerDuty trigger sent (dedup ${String(page.body.dedup_key).slice(0, 24)}…)`);
  const anomalyId =
    String((page.body as { client_url?: string }).client_url ?? '')
      .split('/')
      .pop() ?? '';
  const incident = await report.wait('governance to open the incident', async () => {
    const res = await client.send('governance', 'GET', `/incidents/${incidentIdOfAnomaly(anomalyId)}`, people.sre);
    return res.status === 200 ? res.body : undefined;
  });
  const incidentId = String(incident.incidentId ?? incident.id);
  report.step('governance', `incident ${short(incidentId)} opened (${incident.severity}) from the escalation`);
  await client.call('planning', 'POST', `/releases/${release.id}/rollback`, people.rm, {
    body: { reason: `${n.web} ${VERSIONS.first} regressed: rolled back by monitoring` },
    correlation: release.correlation,
    expect: [200, 201, 409],
  });
  await releaseBooking(ctx, release);
  return { release, rolledBack: web, rollbackTrigger: watch.rollback, incidentId, page: page.body };
}

// ---------------------------------------------------------------------------------------------------------------
// The second release: web's fix, out cleanly.

export async function shipSecondRelease(ctx: StoryContext, planning: Planning): Promise<Release> {
  const n = namesOf(ctx.ns);
  const release = await planRelease(ctx, planning, {
    name: `${ctx.ns} shop 2026.12.2`,
    versions: { [n.web]: VERSIONS.second },
  });
  await publishRelease(ctx, release);
  await planRollout(ctx, release);
  const run = await runToDeploy(ctx, n.web, VERSIONS.second, release);
  release.runs[n.web] = run;
  const d = await deploymentReaches(ctx, run, ['succeeded']);
  ctx.report.step('orchestration', `${n.web}@${VERSIONS.second} canary 25 % → 100 %: ${d.status}`);
  await verifyAndAccept(ctx, run, release);
  await completeRunbook(ctx, release);
  await ctx.client.call('planning', 'POST', `/releases/${release.id}/released`, people.rm, {
    body: {},
    correlation: release.correlation,
  });
  ctx.report.step('planning', `release "${release.name}" released`);
  await releaseBooking(ctx, release);
  return release;
}

// ---------------------------------------------------------------------------------------------------------------
// Governance part 2: grants, the rollback notice, the retrospective whose action becomes a policy version.

/**
 * Approvers, deployers and the lead hold governance grants on the prod environment: pipeline's prod approvals,
 * orchestration's prod deployments and the lead's actions need them (a token role alone is not enough). Governance
 * learns the environment from orchestration's events, so a grant issued at once may find it unknown yet: retried.
 */
export async function grantPrivileges(ctx: StoryContext): Promise<string[]> {
  const { client, report } = ctx;
  const n = namesOf(ctx.ns);
  const grants: string[] = [];
  for (const [principal, privilege] of [
    [people.approver.sub, 'approve'],
    [people.ci.sub, 'deploy'],
    [people.dev.sub, 'deploy'],
    [people.lead.sub, 'lead'],
    [people.lead.sub, 'deploy'],
  ] as const) {
    const grant = await report.wait(
      `governance to grant ${privilege} on ${n.environment} to ${principal}`,
      async () => {
        const res = await client.send('governance', 'POST', '/grants', people.admin, {
          body: { principal, privilege, scope: { environment: n.environment }, reason: `${ctx.ns} release duty` },
        });
        if (res.status === 201) return res.body as { grantId: string };
        if (res.body?.code === 'GOVERNANCE_GRANT_ENVIRONMENT_UNKNOWN') return undefined;
        throw new Error(`POST /grants answered ${res.status}: ${JSON.stringify(res.body)}`);
      },
    );
    grants.push(grant.grantId);
  }
  report.step(
    'governance',
    `grants on ${n.environment}: approve to ${people.approver.sub}; deploy to ${people.ci.sub}, ${people.dev.sub} and ` +
      `${people.lead.sub}; lead to ${people.lead.sub}`,
  );
  return grants;
}

/** Governance's notice of the rollback reaches the notification webhook, with the pre-rollback snapshot. */
export async function expectRollbackNotice(
  ctx: StoryContext,
  notices: { received: { path: string; body: Record<string, unknown> }[] },
  deploymentId: string,
) {
  const notice = await ctx.report.wait('governance to send the rollback notice', async () =>
    notices.received.find((r) => JSON.stringify(r.body).includes(deploymentId)),
  );
  ctx.report.step('governance', 'rollback notice, with the pre-rollback snapshot, sent to the notification webhook');
  return notice;
}

/**
 * The retrospective of the rolled-back deployment: its action becomes a pre-deployment check, as a new version of
 * the deployment policy whose reason points at the action.
 */
export async function retrospectiveBecomesPolicy(ctx: StoryContext, deploymentId: string) {
  const { client, report } = ctx;
  const policy = `standard${ctx.ns.replace(/[^a-z0-9]/g, '')}`; // policy names have no dash
  const v1 = await client.call('governance', 'POST', `/policies/${policy}/versions`, people.rm, {
    body: {
      document: {
        tiers: { prod: { requiredApprovals: 1, allowedStrategies: ['canary'], requiredChecks: ['load-test'] } },
        freezeRules: [],
      },
      reason: {
        kind: 'regulation',
        ref: 'DORA-EU art. 9',
        description: 'Production changes are approved and load-tested.',
      },
      baseVersion: 0,
    },
  });
  const retro = await report.wait('governance to know the rollback (for the retrospective)', async () => {
    const res = await client.send('governance', 'POST', '/retrospectives', people.sre, {
      body: {
        subject: { kind: 'rollback', deploymentId },
        title: 'The web canary regressed and was rolled back',
        timeline: [{ at: new Date().toISOString(), description: 'canary judged Fail; automatic rollback' }],
        contributingFactors: ['no load test exercised the checkout errors path'],
        wentWell: ['the canary caught it at 25% and monitoring rolled it back by itself'],
      },
    });
    if (res.status === 201) return res.body as { retrospectiveId: string };
    if (res.status === 404 || res.status === 409) return undefined;
    throw new Error(`POST /retrospectives answered ${res.status}: ${JSON.stringify(res.body)}`);
  });
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const action = await client.call(
    'governance',
    'POST',
    `/retrospectives/${retro.retrospectiveId}/actions`,
    people.sre,
    {
      body: { description: 'Exercise the checkout errors path in the load test', owner: people.dev.sub, dueDate: due },
    },
  );
  const adopted = await client.call(
    'governance',
    'POST',
    `/retrospectives/${retro.retrospectiveId}/items/${action.actionId}/adopt`,
    people.sre,
    { body: { policyName: policy, tiers: ['prod'], check: 'checkout-error-load-test' } },
  );
  const diff = await client.call('governance', 'GET', `/policies/${policy}/diff?from=1&to=2`, people.rm);
  report.step(
    'governance',
    `retrospective ${short(retro.retrospectiveId)}: its action is policy ${policy} version ${adopted.policyVersion} (requires checkout-error-load-test)`,
  );
  return { retrospectiveId: retro.retrospectiveId, actionId: action.actionId, v1, adopted, diff };
}

// ---------------------------------------------------------------------------------------------------------------
// What governance makes of it.

/** Governance's DORA figures for one service over today (UTC) and tomorrow: the story's period. */
export async function doraOf(ctx: StoryContext, service: string) {
  const from = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  const to = new Date(Date.parse(from) + 2 * 86_400_000).toISOString();
  const report = await ctx.client.call(
    'governance',
    'GET',
    `/dora?service=${service}&from=${from}&to=${to}&interval=all`,
    people.analyst,
  );
  return report.periods[0].figures as {
    deploymentFrequency: { deployments: number; deploymentIds: string[] };
    changeFailureRate: {
      numerator: number;
      denominator: number;
      rate: number;
      deploymentIds: string[];
      denominatorDeploymentIds: string[];
    };
  };
}

/** Waits until governance counted `reached` deployments of the service that reached production, and tells. */
export async function reportDora(ctx: StoryContext, expected: { service: string; reached: number }) {
  const figures = await ctx.report.wait(
    `governance to count the ${expected.reached} deployments of ${expected.service}`,
    async () => {
      const f = await doraOf(ctx, expected.service);
      return f.changeFailureRate.denominator >= expected.reached ? f : undefined;
    },
  );
  const cfr = figures.changeFailureRate;
  ctx.report.step(
    'governance',
    `DORA for ${expected.service}: ${figures.deploymentFrequency.deployments} deployments succeeded, change failure rate ${cfr.numerator}/${cfr.denominator} (failed: ${cfr.deploymentIds.map(short).join(', ')})`,
  );
  return figures;
}
