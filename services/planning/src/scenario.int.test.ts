import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureBusStreams } from '@railyard/messaging';
import { appendedSince, markPosition, testInfra, testSubjectPrefix, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseStream } from './releases/release-commands.js';
import { type PlanningFixture, startPlanning } from './test-support/planning-fixture.js';

// The "done means": a release taken from a train slot to CAB approval over HTTP only, as a release
// manager, a product owner, two CAB members and a developer would, with every event in the store and on NATS.

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const digest = `sha256:${'ab'.repeat(32)}`;

describe('planning scenario: train slot → CAB approval', () => {
  let f: PlanningFixture;
  let nc: NatsConnection;
  let prefix: string;
  let busStream: string;
  type Headers = { authorization: string };
  let rm: Headers;
  let po: Headers;
  let cab1: Headers;
  let cab2: Headers;
  let dev: Headers;

  beforeAll(async () => {
    const { natsUrl } = await testInfra();
    nc = await connect({ servers: natsUrl });
    prefix = testSubjectPrefix('plscen');
    const jsm = await jetstreamManager(nc);
    busStream = (await ensureBusStreams(jsm, { prefix, name: prefix.toUpperCase() })).stream;
    f = await startPlanning('planningScenario', { nats: nc, subjectPrefix: prefix });
    // The release manager also sits on the CAB: as the release's owner, still not allowed to vote on it.
    rm = await f.auth('rm-ana', ['release-manager', 'cab-member']);
    po = await f.auth('po-cy', ['product-owner']);
    cab1 = await f.auth('cab-dee', ['cab-member']);
    cab2 = await f.auth('cab-eli', ['cab-member']);
    dev = await f.auth('dev-bo', ['developer']);
  });
  afterAll(async () => {
    await f?.close();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(busStream).catch(() => {});
    await jsm.streams.delete(`${busStream}_DLQ`).catch(() => {});
    await nc?.drain();
  });

  const send = (method: 'POST' | 'PUT' | 'GET', url: string, headers: Headers, payload?: unknown) =>
    f.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const appendedAfter = async (before: bigint) =>
    (await appendedSince(f.store, before)).map((e) => `${e.type} in ${e.streamId}`);
  /** A refused step: 4xx problem+json with its code, and nothing appended anywhere. */
  async function refused(
    step: Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => { code: string } }>,
    status: number,
    code: string,
  ) {
    const before = await markPosition(f.store);
    const res = await step;
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe(code);
    expect(await appendedAfter(before)).toEqual([]);
  }
  function ok<T = Record<string, unknown>>(res: { statusCode: number; json: () => unknown }, status = 200): T {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    return res.json() as T;
  }

  it('plans, negotiates, freezes and gets a release through the CAB', async () => {
    // A train every two weeks in Paris, first slot in two weeks, cutoff two days before.
    const firstSlot = day(14);
    const train = ok<{ id: string; upcomingSlots: { slotDate: string; cutoffAt: string }[] }>(
      await send('POST', '/release-trains', rm, {
        name: 'Payments train',
        timeZone: 'Europe/Paris',
        firstSlot,
        everyWeeks: 2,
        releaseTime: '10:00',
        cutoffDaysBefore: 2,
        teams: ['payments', 'identity', 'web'],
      }),
      201,
    );
    const slot = train.upcomingSlots[0]!;
    expect(slot.slotDate).toBe(firstSlot);

    const policy = ok<{ id: string }>(
      await send('POST', '/risk-policies', rm, {
        name: 'Default CAB policy',
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
            { level: 'low', minScore: 0, quorum: 1 },
            { level: 'medium', minScore: 10, quorum: 2 },
            { level: 'high', minScore: 30, quorum: 3 },
          ],
        },
      }),
      201,
    );

    const release = ok<{ id: string }>(
      await send('POST', '/releases', rm, { name: 'Payments 2026.12', targetDate: firstSlot, trainId: train.id }),
      201,
    );
    const r = `/releases/${release.id}`;
    await refused(
      send('PUT', `${r}/train-slot`, rm, { trainId: train.id, slotDate: day(15) }),
      422,
      'PLANNING_SLOT_NOT_ON_CADENCE',
    );
    const attached = ok<{ freezeCutoff: string; slot: { slotDate: string } }>(
      await send('PUT', `${r}/train-slot`, rm, { trainId: train.id, slotDate: slot.slotDate }),
    );
    expect(attached.freezeCutoff).toBe(slot.cutoffAt);

    // Scope: proposed by the developer, accepted or deferred by the product owner.
    const refund = ok<{ itemId: string }>(
      await send('POST', `${r}/scope-items`, dev, {
        title: 'Refund API',
        team: 'payments',
        kind: 'feature',
        roadmapRef: 'RM-42',
        service: 'payments-api',
        criticality: 'high',
      }),
      201,
    );
    const search = ok<{ itemId: string }>(
      await send('POST', `${r}/scope-items`, dev, { title: 'Search speedup', team: 'web', kind: 'fix' }),
      201,
    );
    await refused(
      send('POST', `${r}/scope-items`, dev, { title: 'Stray', team: 'billing', kind: 'fix' }),
      409,
      'PLANNING_TRAIN_TEAM_NOT_MEMBER',
    );
    await refused(send('POST', `${r}/scope-items/${refund.itemId}/accept`, dev), 403, 'RAILYARD_AUTH_FORBIDDEN');
    expect(ok<{ status: string }>(await send('POST', `${r}/scope-items/${refund.itemId}/accept`, po)).status).toBe(
      'scoped',
    );
    ok(await send('POST', `${r}/scope-items/${search.itemId}/defer`, po, { reason: 'Needs a load test first' }));

    // Dependencies: payments needs identity (blocking); web needs payments (not blocking); a cycle is refused.
    const idp = ok<{ id: string }>(
      await send('POST', `${r}/dependencies`, dev, {
        from: { team: 'payments' },
        to: { team: 'identity' },
        kind: 'backend',
        owner: 'idp-lead',
      }),
      201,
    );
    ok(
      await send('POST', `${r}/dependencies`, dev, {
        from: { team: 'web' },
        to: { team: 'payments' },
        kind: 'frontend',
        owner: 'pay-lead',
        blocking: false,
      }),
      201,
    );
    await refused(
      send('POST', `${r}/dependencies`, dev, {
        from: { team: 'identity' },
        to: { team: 'web' },
        kind: 'backend',
        owner: 'x',
      }),
      409,
      'PLANNING_DEPENDENCY_CYCLE',
    );
    await refused(
      send('POST', `${r}/dependencies`, dev, {
        from: { team: 'a' },
        to: { team: 'b' },
        kind: 'backend',
        owner: 'x',
        colour: 'red',
      }),
      400,
      'RAILYARD_REQUEST_INVALID',
    );

    // Compliance: a mandatory data-residency requirement, evidence by the developer, reviewed by a CAB member.
    const residency = ok<{ id: string }>(
      await send('POST', `${r}/compliance-requirements`, rm, {
        control: 'data-residency',
        name: 'Card data stays in the EU',
        region: 'eu-west-1',
        mandatory: true,
      }),
      201,
    );
    const req = `${r}/compliance-requirements/${residency.id}`;
    const evidence = ok<{ id: string }>(
      await send('POST', `${req}/evidence`, dev, { link: 'https://audit.example/residency/42', digest }),
      201,
    );
    const reviewed = ok<{ compliance: { met: boolean }[] }>(
      await send('POST', `${req}/evidence/${evidence.id}/review`, cab1, { verdict: 'accepted' }),
    );
    expect(reviewed.compliance[0]!.met).toBe(true);

    // Rollback criteria for the service in scope: what monitoring will enforce.
    const criteria = {
      errorRate: { maxPercent: 2, windowSeconds: 300 },
      latency: { percentile: 99, maxMs: 800, windowSeconds: 300 },
      healthChecks: { maxConsecutiveFailures: 3, intervalSeconds: 30 },
      dataIntegrityChecks: ['refund-ledger-balances'],
    };
    ok(await send('PUT', `${r}/rollback-criteria/payments-api`, rm, criteria));

    // Freeze: refused while payments → identity is open; allowed once it is ready.
    await refused(send('POST', `${r}/freeze`, rm), 409, 'PLANNING_DEPENDENCY_BLOCKING');
    ok(await send('PUT', `${r}/dependencies/${idp.id}/status`, dev, { status: 'ready' }));
    expect(ok<{ status: string }>(await send('POST', `${r}/freeze`, rm)).status).toBe('frozen');

    // After the freeze, a scope change is refused; an exception approved by someone else allows it, once.
    const hotfix = { title: 'Refund rounding hotfix', team: 'payments', kind: 'fix' as const };
    await refused(send('POST', `${r}/scope-items`, dev, hotfix), 409, 'PLANNING_FREEZE_ACTIVE');
    const exception = ok<{ id: string }>(
      await send('POST', `${r}/freeze-exceptions`, dev, {
        change: { action: 'add-scope-item', ...hotfix },
        justification: 'Refunds round half-cents the wrong way in production',
      }),
      201,
    );
    await refused(
      send('POST', `${r}/freeze-exceptions/${exception.id}/decision`, dev, { decision: 'approved' }),
      403,
      'RAILYARD_AUTH_FORBIDDEN',
    );
    ok(await send('POST', `${r}/freeze-exceptions/${exception.id}/decision`, rm, { decision: 'approved' }));
    const withHotfix = ok<{ release: { scopeItems: { title: string; state: string }[] } }>(
      await send('POST', `${r}/scope-items`, dev, hotfix),
      201,
    );
    expect(withHotfix.release.scopeItems.find((i) => i.title === hotfix.title)?.state).toBe('accepted');
    await refused(
      send('POST', `${r}/scope-items`, dev, { ...hotfix, title: 'One more thing' }),
      409,
      'PLANNING_FREEZE_ACTIVE',
    );

    // CAB: the risk score explained factor by factor, under policy version 1.
    const submitted = ok<{
      risk: { score: number; level: string; quorum: number; policyVersion: number; factors: unknown[] };
    }>(await send('POST', `${r}/cab-submission`, rm, { riskPolicyId: policy.id }));
    expect(submitted.risk).toMatchObject({ score: 17, level: 'medium', quorum: 2, policyVersion: 1 });
    expect(submitted.risk.factors).toEqual([
      { factor: 'scopeSize', measure: 2, weight: 2, contribution: 4 },
      { factor: 'criticalServices', measure: 1, weight: 5, contribution: 5 },
      { factor: 'complianceFlags', measure: 1, weight: 1, contribution: 1 },
      { factor: 'openDependencies', measure: 1, weight: 3, contribution: 3 },
      { factor: 'exceptionsGranted', measure: 1, weight: 4, contribution: 4 },
      { factor: 'rollbackReadiness', measure: 0, weight: 10, contribution: 0 },
    ]);

    await refused(send('POST', `${r}/cab-votes`, rm, { vote: 'approve' }), 409, 'PLANNING_CAB_SELF_VOTE');
    await refused(send('POST', `${r}/cab-votes`, cab1, { vote: 'reject' }), 422, 'PLANNING_CAB_REASON_REQUIRED');
    const oneVote = ok<{ status: string }>(
      await send('POST', `${r}/cab-votes`, cab1, {
        vote: 'approve-with-conditions',
        conditions: ['Run the refund smoke test right after deploying'],
      }),
    );
    expect(oneVote.status).toBe('frozen');
    const approved = ok<{
      status: string;
      cab: { decision: string; policyVersion: number };
      conditions: { id: string }[];
    }>(await send('POST', `${r}/cab-votes`, cab2, { vote: 'approve' }));
    expect(approved).toMatchObject({ status: 'cab-approved', cab: { decision: 'approved', policyVersion: 1 } });

    // Conditions are acknowledged before deploying.
    await refused(send('POST', `${r}/deployment`, rm), 409, 'PLANNING_CAB_CONDITIONS_OPEN');
    ok(await send('POST', `${r}/cab-conditions/${approved.conditions[0]!.id}/acknowledge`, rm, {}));
    expect(ok<{ status: string }>(await send('POST', `${r}/deployment`, rm)).status).toBe('deploying');

    // Every step is in the store with its actor …
    const events = await f.store.readStream(releaseStream(release.id));
    const by = (type: string) => events.filter((e) => e.type === type).map((e) => e.metadata.actor.id);
    expect(by('ReleasePlanned')).toEqual(['rm-ana']);
    expect(by('ScopeItemAdded')).toEqual(['dev-bo', 'dev-bo', 'dev-bo']);
    expect(by('ScopeItemAccepted')).toEqual(['po-cy']);
    expect(by('ScopeItemDeferred')).toEqual(['po-cy']);
    expect(by('ComplianceEvidenceReviewed')).toEqual(['cab-dee']);
    expect(by('FreezeExceptionDecided')).toEqual(['rm-ana']);
    expect(by('FreezeExceptionUsed')).toEqual(['dev-bo']);
    expect(by('CabVoteCast')).toEqual(['cab-dee', 'cab-eli']);
    const decision = events.find((e) => e.type === 'CabDecisionRecorded')!;
    expect(decision.data).toMatchObject({ decision: 'approved', policyId: policy.id, policyVersion: 1, score: 17 });
    expect(events.find((e) => e.type === 'RollbackCriteriaPublished')!.data).toMatchObject({
      service: 'payments-api',
      criteria,
    });

    // … and on NATS, each once, under the planning service's subjects.
    const all = await appendedSince(f.store);
    const jsm = await jetstreamManager(nc);
    await waitFor('every event on the bus', async () =>
      (await jsm.streams.info(busStream)).state.messages >= all.length ? true : undefined,
    );
    const onBus: { id: string; subject: string }[] = [];
    for (let seq = 1; seq <= all.length; seq++) {
      const msg = await jsm.streams.getMessage(busStream, { seq });
      onBus.push({ id: msg!.header.get('Nats-Msg-Id'), subject: msg!.subject });
    }
    expect(new Set(onBus.map((m) => m.id))).toEqual(new Set(all.map((e) => e.id)));
    expect(onBus.find((m) => m.id === decision.id)?.subject).toBe(`${prefix}.planning.release.CabDecisionRecorded`);
    expect(onBus.some((m) => m.subject === `${prefix}.planning.releaseTrain.ReleaseTrainCreated`)).toBe(true);
    expect(onBus.some((m) => m.subject === `${prefix}.planning.riskPolicy.RiskPolicyVersionPublished`)).toBe(true);
  });
});
