import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Actor,
  type EventCatalogue,
  pipelineRunEvents,
  type RiskPolicyRules,
  releaseEvents,
  securityPolicyEvents,
  streamName,
} from '@railyard/contracts';
import { createCommandHandler, createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { releaseDecider } from '@railyard/planning/aggregates';
import { createTestDatabase, type TestDatabase, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, runCli } from './test-support/cli-harness.js';

// A stored CAB history written by planning's own decider, then re-decided by `railyard what-if` (DESIGN §9 F3).
let tdb: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
const policyId = randomUUID();
const user = (id: string, roles: string[]): Actor => ({ id, kind: 'user', roles });
const manager = user('rm-ana', ['release-manager']);
const dev = user('dev-bo', ['developer']);
const owner = user('po-cy', ['product-owner']);
const cab = user('cab-dee', ['cab-member']);

/** The policy the history was scored under: 2 per accepted item, medium (2 approvals) from 10. */
const recordedRules: RiskPolicyRules = {
  factors: [{ factor: 'scopeSize', weight: 2 }],
  levels: [
    { level: 'low', minScore: 0, quorum: 1 },
    { level: 'medium', minScore: 10, quorum: 2 },
  ],
};
/** The proposal: the same factor, but medium from 2, so a one-item release needs two approvals. */
const stricter: RiskPolicyRules = {
  factors: [{ factor: 'scopeSize', weight: 2 }],
  levels: [
    { level: 'low', minScore: 0, quorum: 1 },
    { level: 'medium', minScore: 2, quorum: 2 },
  ],
};
const thresholds = {
  errorRate: { maxPercent: 2, windowSeconds: 300 },
  latency: { percentile: 99, maxMs: 800, windowSeconds: 300 },
  healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 30 },
  dataIntegrityChecks: ['ledger-balances'],
};
const approved = randomUUID();
const rejected = randomUUID();
let windowStart: string;
let windowEnd: string;

/** A frozen one-item release submitted to the CAB under the recorded rules, then one CAB vote. */
async function cabRound(releaseId: string, vote: 'approve' | 'reject') {
  const handler = createCommandHandler({
    store,
    decider: releaseDecider,
    catalogue: releaseEvents as unknown as EventCatalogue,
  });
  const itemId = randomUUID();
  const run = (actor: Actor, command: Record<string, unknown>) =>
    handler.handle(streamName('release', releaseId), { actor, at: new Date(), ...command } as never, {
      actor,
      now: new Date(),
      correlationId: randomUUID(),
    });
  await run(manager, { type: 'PlanRelease', releaseId, name: `r-${vote}`, targetDate: '2026-12-10' });
  await run(dev, { type: 'AddScopeItem', itemId, title: 'Refunds', team: 'payments', kind: 'fix' });
  await run(owner, { type: 'AcceptScopeItem', itemId });
  await run(manager, { type: 'PublishRollbackCriteria', service: 'payments-api', criteria: thresholds });
  await run(manager, { type: 'FreezeRelease' });
  await run(manager, { type: 'SubmitForCab', policy: { policyId, version: 1, rules: recordedRules } });
  await run(cab, { type: 'CastCabVote', vote, ...(vote === 'reject' ? { reason: 'too risky' } : {}) });
}

const runId = randomUUID();
const runStream = streamName('pipelineRun', runId);
const sha256 = 'e'.repeat(64);
/** Events as pipeline records them, checked against its catalogue. */
const piped = (catalogue: EventCatalogue, type: string, data: Record<string, unknown>) =>
  anEvent(type, catalogue[type]?.schema.parse(data) as Record<string, unknown>, 'pipeline');

/**
 * A run of `checkout` with one high SAST finding, promoted to staging under policy `default` v1 (at most 5 highs),
 * and blocked from prod by its approval gate while security passed.
 */
async function securityHistory() {
  const policy = securityPolicyEvents as unknown as EventCatalogue;
  const run = pipelineRunEvents as unknown as EventCatalogue;
  await store.append(
    streamName('securityPolicy', randomUUID()),
    [
      piped(policy, 'SecurityPolicyVersioned', {
        policyId: randomUUID(),
        name: 'default',
        version: 1,
        rules: [
          { id: 'few-high', description: 'at most 5 high', expression: "finding.severity == 'high'", maxCount: 5 },
        ],
        reason: 'baseline',
      }),
    ],
    'noStream',
  );
  const passed = { gate: 'security', passed: true, rule: 'default@1', detail: 'Every rule passed.', findings: [] };
  const deployed = (environment: string) => ({
    runId,
    stage: 1,
    service: 'checkout',
    environment,
    artifact,
    strategy: { type: 'rolling', batchPercent: 25 },
    rollbackTarget: null,
    gates: [passed],
    releaseId: null,
    commits: [],
    reason: 'gates passed',
  });
  const artifact = { name: 'checkout', version: '1.0.0', sha256 };
  await store.append(
    runStream,
    [
      piped(run, 'PipelineRunStarted', {
        runId,
        service: 'checkout',
        definitionVersion: 1,
        stages: [
          { kind: 'build', name: 'build' },
          { kind: 'deploy', name: 'staging', environment: 'staging' },
          { kind: 'deploy', name: 'prod', environment: 'prod' },
        ],
        securityPolicy: 'default',
        tier: 'low',
        strategies: [],
        artifact,
        changeAuthor: 'dev-bo',
        triggeredBy: 'dev-bo',
        releaseId: null,
        commits: [],
        reason: 'release',
      }),
      piped(run, 'SecurityScanRecorded', {
        runId,
        kind: 'sast',
        tool: 'semgrep',
        findings: [{ id: 'f-1', rule: 'sql-injection', severity: 'high' }],
        reason: 'scan',
      }),
      piped(run, 'DeploymentRequested', deployed('staging')),
      piped(run, 'PromotionBlocked', {
        runId,
        stage: 2,
        environment: 'prod',
        gates: [passed, { gate: 'approval', passed: false, detail: 'no approval yet' }],
        reason: 'gates failed',
      }),
    ],
    'noStream',
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase('cliWhatIf');
  store = createPostgresEventStore({ connectionString: tdb.url });
  await store.ready();
  env = { DATABASE_URL: tdb.url };
  windowStart = new Date(Date.now() - 1000).toISOString();
  await cabRound(approved, 'approve');
  await cabRound(rejected, 'reject');
  await securityHistory();
  windowEnd = new Date(Date.now() + 1000).toISOString();
  // The replay reads the global log, which shows an event only once no older transaction anywhere on the server can
  // still commit before it (other test files share the server): wait until the last one is visible.
  const last = (await store.readStream(runStream)).at(-1)?.position ?? 0n;
  await waitFor('the history to become visible to global readers', async () => (await store.headPosition()) >= last, {
    timeoutMs: 15_000,
  });
});
afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

const policyFile = async (content: unknown) => {
  const file = join(tmpdir(), `railyard-what-if-${randomUUID()}.json`);
  await writeFile(file, JSON.stringify(content));
  return file;
};
const whatIf = async (content: unknown, extra: string[] = []) =>
  runCli(['what-if', '--policy', await policyFile(content), '--from', windowStart, '--to', windowEnd, ...extra], env);

describe('railyard what-if with a CAB risk policy', () => {
  it('lists the CAB decisions a stricter policy would change, and why, appending nothing', async () => {
    const before = (await store.readStream(streamName('release', approved))).length;
    const result = await whatIf({ kind: 'cab-risk', policyId, rules: stricter }, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ kind: 'cab-risk', replayed: 2, broken: [] });
    const byStream = Object.fromEntries(report.changed.map((c: { streamId: string }) => [c.streamId, c]));
    // Approved by its single vote; under the proposal it needs two, so the round would still be open.
    expect(byStream[streamName('release', approved)]).toMatchObject({
      round: 1,
      recorded: { risk: { score: 2, level: 'low', quorum: 1 }, outcome: { decision: 'approved', afterVotes: 1 } },
      proposed: {
        risk: { score: 2, level: 'medium', quorum: 2 },
        outcome: { decision: 'open', approvals: 1, quorum: 2 },
      },
      why: ['decision: approved after 1 vote → still open (1 of 2 approvals)'],
    });
    // A rejection stays a rejection: only its level and quorum move.
    expect(byStream[streamName('release', rejected)]).toMatchObject({
      recorded: { outcome: { decision: 'rejected', afterVotes: 1 } },
      proposed: { risk: { level: 'medium', quorum: 2 }, outcome: { decision: 'rejected', afterVotes: 1 } },
      why: [],
    });
    expect((await store.readStream(streamName('release', approved))).length).toBe(before);
  });

  it('prints the changes for a reader, and changes nothing when the proposal is the recorded policy', async () => {
    const text = await whatIf({ kind: 'cab-risk', rules: stricter });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${streamName('release', approved)} round 1 (submitted `);
    expect(text.stdout).toContain('  risk: score 2 → 2, level low → medium, quorum 1 → 2');
    expect(text.stdout).toContain('  decision: approved after 1 vote → still open (1 of 2 approvals)');
    expect(text.out.at(-1)).toBe('2 decisions re-decided, 2 would change; nothing was appended.');
    const same = await whatIf({ kind: 'cab-risk', rules: recordedRules });
    expect(same.out.at(-1)).toBe('2 decisions re-decided, 0 would change; nothing was appended.');
  });

  it('replays only the submissions recorded in the window, and of the policy named', async () => {
    const file = await policyFile({ kind: 'cab-risk', rules: stricter });
    const early = await runCli(
      ['what-if', '--policy', file, '--from', '2000-01-01T00:00:00Z', '--to', '2000-01-02T00:00:00Z'],
      env,
    );
    expect(early.out.at(-1)).toBe('0 decisions re-decided, 0 would change; nothing was appended.');
    const other = await whatIf({ kind: 'cab-risk', policyId: randomUUID(), rules: stricter });
    expect(other.out.at(-1)).toBe('0 decisions re-decided, 0 would change; nothing was appended.');
  });

  it('refuses a policy the service would refuse, or a malformed file, as usage errors (exit 2)', async () => {
    const noZero = await whatIf({
      kind: 'cab-risk',
      rules: { ...stricter, levels: [{ level: 'low', minScore: 1, quorum: 1 }] },
    });
    expect(noZero.code).toBe(2);
    expect(noZero.stderr).toMatch(/the lowest level must start at minScore 0/);
    expect((await whatIf({ kind: 'cab-risk', rules: { factors: [] } })).code).toBe(2);
    expect((await whatIf({ kind: 'nope' })).code).toBe(2);
    const badCel = await whatIf({
      kind: 'security',
      rules: [{ id: 'r', description: 'x', expression: 'finding.severity ==', maxCount: 0 }],
    });
    expect(badCel.code).toBe(2);
    expect(badCel.stderr).toMatch(/Rule r:/);
    expect((await runCli(['what-if', '--policy', 'x.json'], env)).code).toBe(2);
  });
});

describe('railyard what-if with a security policy', () => {
  const noHigh = [
    { id: 'no-high', description: 'no high finding', expression: "finding.severity == 'high'", maxCount: 0 },
  ];

  it('lists the promotions whose security gate would change, and whether the promotion would', async () => {
    const result = await whatIf({ kind: 'security', policy: 'default', rules: noHigh }, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ kind: 'security', replayed: 2, broken: [] });
    expect(report.changed).toHaveLength(2);
    const [staging, prod] = report.changed;
    expect(staging).toMatchObject({
      streamId: runStream,
      environment: 'staging',
      recorded: { promoted: true, security: { passed: true } },
      proposed: { promoted: false, security: { passed: false, rule: 'default@2/no-high', findings: ['f-1'] } },
    });
    expect(staging.why).toEqual([
      'security gate: passed (default@1: Every rule passed.) → failed (default@2/no-high: 1 finding(s) match "no high finding" (at most 0 allowed).)',
      'findings: f-1',
      'promotion to staging: promoted → blocked',
    ]);
    // Prod was blocked by its approval gate anyway: the security verdict changes, the promotion does not.
    expect(prod).toMatchObject({ environment: 'prod', recorded: { promoted: false }, proposed: { promoted: false } });
    expect(prod.why.at(-1)).toBe('promotion to prod unchanged: another gate decided it');
  });

  it('changes nothing under the recorded rules, and skips runs of another policy', async () => {
    const same = await whatIf({
      kind: 'security',
      rules: [{ id: 'few-high', description: 'at most 5 high', expression: "finding.severity == 'high'", maxCount: 5 }],
    });
    expect(same.out.at(-1)).toBe('2 decisions re-decided, 0 would change; nothing was appended.');
    const other = await whatIf({ kind: 'security', policy: 'strict', rules: noHigh });
    expect(other.out.at(-1)).toBe('0 decisions re-decided, 0 would change; nothing was appended.');
  });
});
