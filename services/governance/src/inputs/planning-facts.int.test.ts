import { streamName } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf } from '../test-support/fixed-history.js';
import { type GovernanceFixture, startGovernance } from '../test-support/governance-fixture.js';

// Planning's releases, CAB decisions and freeze exceptions reach reporting through `governance--releases`, live from
// the bus, each row naming the events it came from.
let f: GovernanceFixture;
const releaseId = idOf('R1');
const exceptionId = idOf('X1');
const stream = streamName('release', releaseId);

beforeAll(async () => {
  f = await startGovernance('gov-planning');
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe('governance--releases', () => {
  it('keeps releases, approvals and freeze exceptions, with their event ids', async () => {
    await f.append([
      {
        stream,
        type: 'ReleasePlanned',
        at: '2026-10-01T09:00:00Z',
        data: { releaseId, name: 'October', targetDate: '2026-10-20', owner: 'rm-1' },
      },
      {
        stream,
        type: 'FreezeExceptionRequested',
        at: '2026-10-10T09:00:00Z',
        data: {
          releaseId,
          exceptionId,
          change: { action: 'remove-scope-item', itemId: idOf('item') },
          justification: 'too risky',
          requestedBy: 'po-1',
        },
      },
      {
        stream,
        type: 'FreezeExceptionDecided',
        at: '2026-10-10T10:00:00Z',
        data: { releaseId, exceptionId, decision: 'approved', decidedBy: 'rm-2' },
      },
      {
        stream,
        type: 'CabDecisionRecorded',
        at: '2026-10-12T15:00:00Z',
        data: {
          releaseId,
          round: 1,
          decision: 'approved',
          policyId: idOf('policy'),
          policyVersion: 3,
          score: 42.5,
          level: 'medium',
          voters: ['cab-1', 'cab-2'],
          conditions: [{ conditionId: 'C1', text: 'run the migration rehearsal', setBy: 'cab-1' }],
        },
      },
      {
        stream,
        type: 'ReleaseReleased',
        at: '2026-10-20T12:00:00Z',
        data: { releaseId, releasedAt: '2026-10-20T12:00:00Z' },
      },
    ]);
    const ids = (await f.store.readStream(stream)).map((e) => e.id);
    const release = await f.until(
      'the release',
      `SELECT status, released_at, planned_event_id, last_event_id FROM reporting.releases`,
      (r: { status: string }) => r.status === 'released',
    );
    expect(release).toEqual({
      status: 'released',
      released_at: new Date('2026-10-20T12:00:00Z'),
      planned_event_id: ids[0],
      last_event_id: ids[4],
    });
    const approvals = await f.pool.query(
      'SELECT event_id, decision, risk_level, voters, conditions FROM reporting.approvals',
    );
    expect(approvals.rows).toEqual([
      {
        event_id: ids[3],
        decision: 'approved',
        risk_level: 'medium',
        voters: ['cab-1', 'cab-2'],
        conditions: [{ conditionId: 'C1', text: 'run the migration rehearsal', setBy: 'cab-1' }],
      },
    ]);
    const exceptions = await f.pool.query(
      'SELECT exception_id, decision, decided_by, requested_event_id, decided_event_id FROM reporting.freeze_exceptions',
    );
    expect(exceptions.rows).toEqual([
      {
        exception_id: exceptionId,
        decision: 'approved',
        decided_by: 'rm-2',
        requested_event_id: ids[1],
        decided_event_id: ids[2],
      },
    ]);
  });
});
