import { rebuildProjection } from '@railyard/readmodels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../test-support/planning-fixture.js';
import { releaseBoardsProjection } from './release-boards/projection.js';

// The read models people use (P1–P5): release calendar, CAB queue, freeze-exception log, dependency board by
// team, compliance status per release. Commands over HTTP, then the GET routes once the projections caught up.
describe('planning read models', () => {
  let f: PlanningFixture;
  type Headers = { authorization: string };
  let rm: Headers;
  let po: Headers;
  let dev: Headers;
  let cab: Headers;
  let releaseId: string;
  let trainId: string;
  let slotDate: string;

  const send = async (method: 'POST' | 'PUT' | 'GET', url: string, headers: Headers, payload?: object) => {
    const res = await f.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  /** Waits until each projection has applied the last of the release's events it reads. */
  async function caughtUp() {
    const events = await f.store.readStream(`release-${releaseId}`);
    await f.releaseList.waitFor(events.at(-1)!.position, 10_000);
    const boardTypes: readonly string[] = releaseBoardsProjection.filter.eventTypes;
    const lastForBoards = events.filter((e) => boardTypes.includes(e.type)).at(-1)!;
    await f.boards.waitFor(lastForBoards.position, 10_000);
  }

  beforeAll(async () => {
    f = await startPlanning('planningReadModels');
    rm = await f.auth('rm-ana', ['release-manager']);
    po = await f.auth('po-cy', ['product-owner']);
    dev = await f.auth('dev-bo', ['developer']);
    cab = await f.auth('cab-dee', ['cab-member']);
    const firstSlot = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    const train = await send('POST', '/release-trains', rm, {
      name: 'Web train',
      timeZone: 'America/New_York',
      firstSlot,
      everyWeeks: 1,
      teams: ['web'],
    });
    trainId = train.id;
    slotDate = train.upcomingSlots[0].slotDate;
    const policy = await send('POST', '/risk-policies', rm, {
      name: 'Simple',
      rules: { factors: [{ factor: 'scopeSize', weight: 3 }], levels: [{ level: 'low', minScore: 0, quorum: 2 }] },
    });
    const release = await send('POST', '/releases', rm, { name: 'Web 1', targetDate: slotDate });
    releaseId = release.id;
    const r = `/releases/${releaseId}`;
    await send('PUT', `${r}/train-slot`, rm, { trainId, slotDate });
    const item = await send('POST', `${r}/scope-items`, dev, { title: 'Dark mode', team: 'web', kind: 'chore' });
    await send('POST', `${r}/scope-items/${item.itemId}/accept`, po);
    const dep = await send('POST', `${r}/dependencies`, dev, {
      from: { team: 'web', service: 'web-app' },
      to: { team: 'cdn-vendor' },
      kind: 'third-party',
      owner: 'vendor-desk',
    });
    await send('PUT', `${r}/dependencies/${dep.id}/status`, dev, { status: 'blocked', note: 'vendor outage' });
    const req = await send('POST', `${r}/compliance-requirements`, rm, {
      control: 'audit-trail',
      name: 'Change audit trail',
      mandatory: true,
    });
    const evidence = await send('POST', `${r}/compliance-requirements/${req.id}/evidence`, dev, {
      link: 'https://audit.example/trail',
      digest: `sha256:${'cd'.repeat(32)}`,
    });
    await send('POST', `${r}/compliance-requirements/${req.id}/evidence/${evidence.id}/review`, cab, {
      verdict: 'rejected',
      note: 'missing deploy log',
    });
    const exception = await send('POST', `${r}/freeze-exceptions`, dev, {
      change: { action: 'freeze-with-open-dependency', dependencyId: dep.id },
      justification: 'The CDN change ships independently',
    });
    await send('POST', `${r}/freeze-exceptions/${exception.id}/decision`, cab, { decision: 'approved' });
    await send('POST', `${r}/freeze`, rm);
    await send('POST', `${r}/freeze-exceptions`, dev, {
      change: { action: 'add-scope-item', title: 'Late copy fix', team: 'web', kind: 'fix' },
      justification: 'Legal asked for the new wording',
    });
    await send('POST', `${r}/cab-submission`, rm, { riskPolicyId: policy.id });
    await send('POST', `${r}/cab-votes`, cab, { vote: 'approve' });
    await caughtUp();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('shows the release on its slot day in the calendar, with the slot cutoff', async () => {
    const res = await f.app.inject({ method: 'GET', url: `/release-calendar?trainId=${trainId}`, headers: dev });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-projection-lag']).toBeDefined();
    const release = (await send('GET', `/releases/${releaseId}`, dev)) as { freezeCutoff: string };
    expect(res.json().days).toEqual([
      {
        date: slotDate,
        releases: [
          expect.objectContaining({ releaseId, status: 'frozen', freezeCutoff: release.freezeCutoff, scopeCount: 1 }),
        ],
      },
    ]);
  });

  it('lists the release in the CAB queue with its risk and the approvals it has', async () => {
    const queue = await send('GET', '/cab-queue', cab);
    expect(queue.items).toEqual([
      expect.objectContaining({ releaseId, riskScore: 3, riskLevel: 'low', quorum: 2, approvals: 1, slotDate }),
    ]);
    const forbidden = await f.app.inject({ method: 'GET', url: '/cab-queue', headers: dev });
    expect(forbidden.statusCode).toBe(403);
  });

  it('keeps every freeze exception on the record, through to its use', async () => {
    const log = await send('GET', `/freeze-exceptions?releaseId=${releaseId}&status=used`, rm);
    expect(log.items).toEqual([
      expect.objectContaining({
        action: 'freeze-with-open-dependency',
        requestedBy: 'dev-bo',
        decidedBy: 'cab-dee',
        status: 'used',
      }),
    ]);
    expect(log.items[0].usedAt).not.toBeNull();
  });

  it('pages the exception log with a cursor, newest first', async () => {
    const first = await send('GET', `/freeze-exceptions?releaseId=${releaseId}&limit=1`, rm);
    expect(first.items).toEqual([expect.objectContaining({ action: 'add-scope-item', status: 'requested' })]);
    expect(first.nextCursor).not.toBeNull();
    const second = await send(
      'GET',
      `/freeze-exceptions?releaseId=${releaseId}&limit=1&cursor=${first.nextCursor}`,
      rm,
    );
    expect(second.items).toEqual([expect.objectContaining({ action: 'freeze-with-open-dependency' })]);
    expect(second.nextCursor).toBeNull();
    const bad = await f.app.inject({ method: 'GET', url: '/freeze-exceptions?cursor=nonsense', headers: rm });
    expect(bad.statusCode).toBe(400);
  });

  it('shows a team its dependencies both ways, blocked first', async () => {
    const web = await send('GET', '/dependency-board?team=WEB', dev);
    expect(web.needs).toEqual([
      expect.objectContaining({ to: { team: 'cdn-vendor', service: null }, kind: 'third-party', status: 'blocked' }),
    ]);
    expect(web.neededBy).toEqual([]);
    const vendor = await send('GET', '/dependency-board?team=cdn-vendor', dev);
    expect(vendor.neededBy).toHaveLength(1);
    const onTrain = await send('GET', `/dependency-board?team=web&trainId=${trainId}`, dev);
    expect(onTrain.needs).toHaveLength(1);
    const otherTrain = await send(
      'GET',
      '/dependency-board?team=web&trainId=0193a000-0000-7000-8000-000000000999',
      dev,
    );
    expect(otherTrain.needs).toEqual([]);
  });

  it('reports compliance per release: rejected evidence leaves a mandatory requirement unmet', async () => {
    const status = await send('GET', `/releases/${releaseId}/compliance-status`, dev);
    expect(status).toMatchObject({
      mandatoryUnmet: 1,
      requirements: [{ name: 'Change audit trail', met: false, evidence: { pending: 0, accepted: 0, rejected: 1 } }],
    });
  });

  it('rebuilds the boards from the store into exactly the rows the live projection wrote', async () => {
    const snapshot = async () => ({
      log: await f.db.selectFrom('planning.freeze_exception_log').selectAll().orderBy('exception_id').execute(),
      deps: await f.db.selectFrom('planning.dependency_board').selectAll().orderBy('dependency_id').execute(),
      compliance: await f.db.selectFrom('planning.compliance_status').selectAll().orderBy('requirement_id').execute(),
    });
    const live = await snapshot();
    await f.boards.stop();
    await rebuildProjection({ store: f.store, db: f.db, ...releaseBoardsProjection });
    expect(await snapshot()).toEqual(live);
    await f.boards.start();
  });
});
