import { httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanningFixture, startPlanning } from '../test-support/planning-fixture.js';
import { trainStream } from './train-commands.js';

// Release trains over HTTP (P2): cadence in a time zone, upcoming slots with cutoffs, member teams.
describe('release trains over HTTP', () => {
  let f: PlanningFixture;
  let rm: { authorization: string };
  const body = {
    name: 'Mobile train',
    timeZone: 'Asia/Tokyo',
    firstSlot: '2027-01-05',
    everyWeeks: 3,
    releaseTime: '09:30',
    cutoffDaysBefore: 1,
    teams: ['ios', 'android'],
  };

  beforeAll(async () => {
    f = await startPlanning('trainsHttp');
    rm = await f.auth('rm-ana', ['release-manager']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('creates a train and computes its slots in its time zone', async () => {
    const created = await f.app.inject({ method: 'POST', url: '/release-trains', headers: rm, payload: body });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const got = await f.app.inject({ method: 'GET', url: `/release-trains/${id}?slots=2`, headers: rm });
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"0"');
    // 09:30 in Tokyo (UTC+9, no DST) is 00:30 UTC; the cutoff is a day earlier.
    expect(got.json().upcomingSlots).toEqual([
      { slotDate: '2027-01-05', shipsAt: '2027-01-05T00:30:00.000Z', cutoffAt: '2027-01-04T00:30:00.000Z' },
      { slotDate: '2027-01-26', shipsAt: '2027-01-26T00:30:00.000Z', cutoffAt: '2027-01-25T00:30:00.000Z' },
    ]);
    const joined = await f.app.inject({
      method: 'POST',
      url: `/release-trains/${id}/teams`,
      headers: rm,
      payload: { team: 'web' },
    });
    expect(joined.json().teams).toEqual(['ios', 'android', 'web']);
    const left = await f.app.inject({ method: 'DELETE', url: `/release-trains/${id}/teams/ios`, headers: rm });
    expect(left.json().teams).toEqual(['android', 'web']);
    const events = await f.store.readStream(trainStream(id));
    expect(events.map((e) => [e.type, e.metadata.actor.id])).toEqual([
      ['ReleaseTrainCreated', 'rm-ana'],
      ['ReleaseTrainTeamJoined', 'rm-ana'],
      ['ReleaseTrainTeamLeft', 'rm-ana'],
    ]);
  });

  const bad: [string, object, number, string][] = [
    ['an unknown time zone', { ...body, timeZone: 'Mars/Olympus' }, 422, 'PLANNING_TIME_ZONE_UNKNOWN'],
    ['an unknown field', { ...body, colour: 'blue' }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['a cadence of zero weeks', { ...body, everyWeeks: 0 }, 400, 'RAILYARD_REQUEST_INVALID'],
    ['a team twice', { ...body, teams: ['ios', 'ios'] }, 422, 'PLANNING_TRAIN_TEAM_DUPLICATE'],
  ];
  for (const [what, payload, status, code] of bad) {
    it(`refuses ${what} with ${status} ${code}, appending nothing`, async () => {
      // No events expected: the specification checks that nothing was appended anywhere.
      await httpSpecification(f)
        .when({ method: 'POST', url: '/release-trains', headers: rm, payload })
        .then({ status, code });
    });
  }

  it('answers 404 with a code for a train that does not exist, and refuses a slot off the cadence', async () => {
    const missing = await f.app.inject({
      method: 'GET',
      url: '/release-trains/0193a000-0000-7000-8000-000000000999',
      headers: rm,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PLANNING_TRAIN_NOT_FOUND');
    const train = (await f.app.inject({ method: 'POST', url: '/release-trains', headers: rm, payload: body })).json();
    const release = (
      await f.app.inject({
        method: 'POST',
        url: '/releases',
        headers: rm,
        payload: { name: 'M', targetDate: '2027-01-12' },
      })
    ).json();
    const off = await f.app.inject({
      method: 'PUT',
      url: `/releases/${release.id}/train-slot`,
      headers: rm,
      payload: { trainId: train.id, slotDate: '2027-01-12' },
    });
    expect(off.statusCode).toBe(422);
    expect(off.json().code).toBe('PLANNING_SLOT_NOT_ON_CADENCE');
  });
});
