import { deploymentStream, noticeStream, streamName } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automaticNoticeId } from '../communications/automatic-notices/reactor.js';
import { startFakeWebhook } from '../test-support/fake-webhook.js';
import { idOf } from '../test-support/fixed-history.js';
import { type GovernanceFixture, startGovernance } from '../test-support/governance-fixture.js';

// Issue 15's done-means slice for G3, G5 and G7: a rollback (DeploymentRollbackStarted in its contract shape, reaching
// governance over NATS) leads to a notice sent to the webhook with its snapshot, and to a retrospective whose action
// becomes a policy version (the diff shows the new required check; the version's reason points at the action).
const SECRET = 'whsec_bm90aWNlLXdlYmhvb2stdGVzdC1zZWNyZXQ=';
let clock = new Date('2026-11-02T09:00:00.000Z');
const later = (minutes: number) => new Date(clock.getTime() + minutes * 60_000).toISOString();
let f: GovernanceFixture;
let hook: Awaited<ReturnType<typeof startFakeWebhook>>;
let headers: { authorization: string };

const deploymentId = idOf('RB-D1');
const releaseId = idOf('RB-R1');
const subject = {
  deploymentId,
  runId: idOf('RB-run'),
  stage: 2,
  releaseId,
  planId: null,
  service: 'ledger',
  environment: 'ledger-prod',
  environmentTier: 'prod',
  artifact: { name: 'ledger', version: '3.1.0', sha256: 'b'.repeat(64) },
};
const to = { name: 'ledger', version: '3.0.9', sha256: 'c'.repeat(64) };
const trigger = { kind: 'monitoring', triggerId: idOf('RB-trigger'), by: 'monitoring' };
const snapshot = {
  takenAt: later(31),
  live: [{ service: 'ledger', environment: 'ledger-prod', version: '3.1.0', weight: 100 }],
  flags: [{ key: 'new-ledger-index', state: 'ENABLED', defaultVariant: 'on' }],
  metrics: { errorRate: 0.12 },
};
const v1Document = {
  tiers: {
    prod: { requiredApprovals: 2, allowedStrategies: ['canary', 'blue-green'], requiredChecks: ['load-test'] },
    staging: { requiredApprovals: 1, allowedStrategies: ['rolling'], requiredChecks: [] },
  },
  freezeRules: [
    {
      name: 'year end',
      tiers: ['prod'],
      from: '2026-12-20T00:00:00Z',
      to: '2027-01-04T00:00:00Z',
      reason: 'Finance closes the books.',
    },
  ],
};

const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  f.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  // The webhook is down for the first attempt: the notice must be retried and both attempts recorded.
  hook = await startFakeWebhook([503]);
  f = await startGovernance('gov-rollback-done', {
    now: () => clock,
    notify: { url: hook.url, secret: SECRET, backoffMs: [100] },
  });
  headers = await f.auth('rm-1', ['release-manager', 'sre']);
  const v1 = await call('POST', '/policies/standard/versions', {
    document: v1Document,
    reason: { kind: 'regulation', ref: 'DORA-EU art. 9', description: 'Production changes need two approvals.' },
    baseVersion: 0,
  });
  expect(v1.statusCode, v1.body).toBe(201);
  clock = new Date(clock.getTime() + 10 * 60_000);
  // Planning and orchestration's history, as their relays publish it: a release deploys ledger 3.1.0, which is rolled
  // back half an hour later.
  await f.append([
    {
      stream: streamName('release', releaseId),
      type: 'ReleasePlanned',
      at: later(0),
      data: { releaseId, name: 'November ledger', targetDate: '2026-11-05', owner: 'rm-1' },
    },
    {
      stream: deploymentStream(deploymentId),
      type: 'DeploymentScheduled',
      at: later(1),
      data: {
        ...subject,
        strategy: { type: 'blue-green' },
        rollbackTarget: to,
        commits: [],
        requestedAt: later(1),
        reason: 'run',
      },
    },
    {
      stream: deploymentStream(deploymentId),
      type: 'DeploymentSucceeded',
      at: later(5),
      data: { ...subject, commits: [], startedAt: later(2), reason: 'live' },
    },
    {
      stream: deploymentStream(deploymentId),
      type: 'DeploymentRollbackStarted',
      at: later(31),
      actor: 'orchestration',
      data: { ...subject, to, trigger, snapshot, reason: 'error rate 12% > 5%' },
    },
    {
      stream: deploymentStream(deploymentId),
      type: 'DeploymentRolledBack',
      at: later(35),
      actor: 'orchestration',
      data: { ...subject, to, trigger, reason: 'error rate 12% > 5%' },
    },
  ]);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await hook?.close();
});

describe('a rollback', () => {
  it('sends a signed notice with its pre-rollback snapshot to the webhook, retried after a failure, all recorded', async () => {
    const isRollback = (b: Record<string, unknown>) =>
      b.kind === 'rollback' && (b.about as { deploymentId?: string }).deploymentId === deploymentId;
    const [sent] = await waitFor('the rollback notice delivered', async () => {
      const d = hook.delivered(isRollback);
      return d.length > 0 ? d : undefined;
    });
    const body = JSON.parse(sent!.body);
    expect(body.snapshot).toEqual(snapshot);
    expect(body.fields).toMatchObject({
      hypothesis: 'error rate 12% > 5%',
      impact: 'ledger in ledger-prod (prod)',
    });
    expect(body.text).toContain('ledger 3.1.0 in ledger-prod is being rolled back to 3.0.9');
    expect(body.text).toContain('- ledger in ledger-prod: 3.1.0 at 100%');
    expect(body.text).toContain('- flag new-ledger-index: ENABLED (on)');
    // mustache escapes what it renders: the reason's ">" reaches the text as an entity.
    expect(body.text).toContain('error rate 12% &gt; 5%');
    // Signed per Standard Webhooks with the configured secret; webhook-id is the notice id.
    const noticeId = automaticNoticeId((await f.store.readStream(deploymentStream(deploymentId)))[2]!.id);
    expect(sent!.headers['webhook-id']).toBe(noticeId);
    expect(() =>
      new Webhook(SECRET).verify(sent!.body, {
        'webhook-id': String(sent!.headers['webhook-id']),
        'webhook-timestamp': String(sent!.headers['webhook-timestamp']),
        'webhook-signature': String(sent!.headers['webhook-signature']),
      }),
    ).not.toThrow();

    await waitFor(
      'both attempts on the record',
      async () => (await f.store.readStream(noticeStream(noticeId))).length === 3,
    );
    const res = await call('GET', `/notices/${noticeId}`);
    expect(res.statusCode, res.body).toBe(200);
    const notice = res.json();
    expect(notice.payload).toBe(sent!.body);
    expect(notice.source).toBe('automatic');
    expect(notice.delivered).toBe(true);
    expect(
      notice.attempts.map((a: { outcome: string; status: number; signed: boolean }) => [a.outcome, a.status, a.signed]),
    ).toEqual([
      ['failed', 503, true],
      ['delivered', 200, true],
    ]);
    // The failed request carried exactly the same body.
    expect(hook.received.filter((r) => isRollback(JSON.parse(r.body))).map((r) => r.body)).toEqual([
      sent!.body,
      sent!.body,
    ]);
  });

  it('leads to a retrospective whose action becomes a policy version requiring the check', async () => {
    await f.until(
      'the rollback in reporting',
      `SELECT rolled_back_at FROM reporting.deployments WHERE deployment_id = '${deploymentId}'`,
      (r: { rolled_back_at: Date | null }) => r.rolled_back_at !== null,
    );
    clock = new Date(clock.getTime() + 24 * 3600_000);
    const retro = await call('POST', '/retrospectives', {
      subject: { kind: 'rollback', deploymentId },
      title: 'ledger 3.1.0 rolled back',
      timeline: [
        { at: later(-24 * 60 + 5), description: '3.1.0 live in prod' },
        { at: later(-24 * 60 + 31), description: 'error rate 12%; automatic rollback' },
      ],
      contributingFactors: ['the index migration was never rehearsed on production-sized data'],
      wentWell: ['the rollback completed in four minutes'],
    });
    expect(retro.statusCode, retro.body).toBe(201);
    const retrospectiveId = retro.json().retrospectiveId;
    const action = await call('POST', `/retrospectives/${retrospectiveId}/actions`, {
      description: 'Rehearse index migrations on a production-sized copy before deploying',
      owner: 'dev-lea',
      dueDate: '2026-11-10',
    });
    expect(action.statusCode, action.body).toBe(201);
    const actionId = action.json().actionId;

    const adopt = await call('POST', `/retrospectives/${retrospectiveId}/items/${actionId}/adopt`, {
      policyName: 'standard',
      tiers: ['prod'],
      check: 'migration-rehearsal',
    });
    expect(adopt.statusCode, adopt.body).toBe(200);
    expect(adopt.json().policyVersion).toBe(2);
    expect(adopt.json().actions[0].adopted).toMatchObject({
      policyName: 'standard',
      policyVersion: 2,
      check: 'migration-rehearsal',
    });

    const diff = await call('GET', '/policies/standard/diff?from=1&to=2');
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.json().changes).toEqual([
      { type: 'CREATE', path: ['tiers', 'prod', 'requiredChecks', 1], value: 'migration-rehearsal' },
    ]);
    const reason = {
      kind: 'retrospective-action',
      ref: `${retrospectiveId}/${actionId}`,
      description: 'Rehearse index migrations on a production-sized copy before deploying',
    };
    expect(diff.json().reasons).toEqual([{ version: 2, reason }]);
    const v2 = await call('GET', '/policies/standard/versions/2');
    expect(v2.json()).toMatchObject({ version: 2, reason, supersededAt: null });
    expect(v2.json().document.tiers.prod.requiredChecks).toEqual(['load-test', 'migration-rehearsal']);

    // Adopting the same action again is refused and changes nothing.
    const again = await call('POST', `/retrospectives/${retrospectiveId}/items/${actionId}/adopt`, {
      policyName: 'standard',
      tiers: ['prod'],
      check: 'another-check',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('GOVERNANCE_RETROSPECTIVE_ITEM_ALREADY_ADOPTED');
    expect((await call('GET', '/policies/standard/versions')).json().current).toBe(2);

    // The action is tracked to done: overdue once its due date passes by the service clock.
    await waitFor(
      'the action in the list',
      async () => (await call('GET', '/retrospectives/actions')).json().actions.length === 1,
    );
    expect((await call('GET', '/retrospectives/actions?overdue=true')).json().actions).toEqual([]);
    clock = new Date('2026-11-11T08:00:00Z');
    const overdue = (await call('GET', '/retrospectives/actions?overdue=true')).json();
    expect(overdue.actions).toMatchObject([{ actionId, retrospectiveId, owner: 'dev-lea', overdue: true }]);
  });

  it('the release was governed by version 1 when it was planned and deployed', async () => {
    const res = await call('GET', '/policies/standard/versions/1/releases');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().releases).toMatchObject([
      {
        releaseId,
        name: 'November ledger',
        events: [
          { event: 'planned', deploymentId: null },
          { event: 'deployment-requested', deploymentId },
          { event: 'deployed', deploymentId },
        ],
      },
    ]);
    expect((await call('GET', '/policies/standard/versions/2/releases')).json().releases).toEqual([]);
  });
});

describe('an incident', () => {
  it('opening it sends an incident notice to the webhook', async () => {
    const res = await call('POST', '/incidents', {
      title: 'ledger <writes> failing',
      severity: 'SEV2',
      service: 'ledger',
      environment: 'ledger-prod',
    });
    expect(res.statusCode, res.body).toBe(201);
    const incidentId = res.json().incidentId;
    const [sent] = await waitFor('the incident notice delivered', async () => {
      const d = hook.delivered(
        (b) => b.kind === 'incident' && (b.about as { incidentId?: string }).incidentId === incidentId,
      );
      return d.length > 0 ? d : undefined;
    });
    const body = JSON.parse(sent!.body);
    expect(body.subject).toBe('[SEV2] ledger &lt;writes&gt; failing');
    expect(body.fields).toMatchObject({ hypothesis: 'Under investigation.', impact: 'ledger in ledger-prod, SEV2' });
    expect(body.snapshot).toBeNull();
  });
});
