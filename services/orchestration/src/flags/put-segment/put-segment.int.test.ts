import { FlagErrorCodes } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagStream, segmentStream } from '../flag-commands.js';
import { type FlagFixture, startFlags, TEST_API_KEY } from '../test-support/flag-fixture.js';

let f: FlagFixture;
let dev: { authorization: string };
beforeAll(async () => {
  f = await startFlags('segments');
  dev = await f.auth('dev-ines', ['developer']);
});
afterAll(() => f?.close());

const put = (name: string, payload: object) =>
  f.app.inject({ method: 'PUT', url: `/segments/${name}`, headers: dev, payload });
const evaluate = async (key: string, context: object) =>
  (
    await f.app.inject({
      method: 'POST',
      url: `/ofrep/v1/evaluate/flags/${key}`,
      headers: { 'x-api-key': TEST_API_KEY },
      payload: { context },
    })
  ).json();

describe('PUT /segments/:name', () => {
  it('defines a segment flags share, and a change records the flags it affects and moves their users', async () => {
    const first = await put('staff', {
      rule: { ends_with: [{ var: 'email' }, '@railyard.example'] },
      reason: 'dogfooding',
    });
    expect([first.statusCode, first.json().affectedFlags]).toEqual([201, []]);
    const flag = (key: string) => ({
      key,
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ $ref: 'staff' }, 'on', null] },
      reason: 'staff first',
    });
    for (const key of ['new-nav', 'dark-mode']) {
      expect((await f.app.inject({ method: 'POST', url: '/flags', headers: dev, payload: flag(key) })).statusCode).toBe(
        201,
      );
    }
    await f.settled(flagStream('new-nav'), flagStream('dark-mode'));
    expect(await evaluate('new-nav', { targetingKey: 'u', email: 'a@contractor.example' })).toMatchObject({
      value: false,
    });

    const rule = { in: [{ var: 'email' }, ['a@contractor.example', 'b@railyard.example']] };
    const changed = await put('staff', { rule, reason: 'contractors too' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().affectedFlags).toEqual(['dark-mode', 'new-nav']);
    expect((await f.eventsOf(segmentStream('staff'))).at(-1)).toEqual({
      type: 'SegmentChanged',
      data: {
        name: 'staff',
        rule,
        reason: 'contractors too',
        changedBy: 'dev-ines',
        affectedFlags: ['dark-mode', 'new-nav'],
      },
    });
    await f.settled(segmentStream('staff'));
    expect(await evaluate('new-nav', { targetingKey: 'u', email: 'a@contractor.example' })).toMatchObject({
      value: true,
    });
    const list = await f.app.inject({ method: 'GET', url: '/segments', headers: dev });
    expect(list.json().segments).toEqual([{ name: 'staff', rule, usedBy: ['dark-mode', 'new-nav'] }]);
  });

  it('refuses a rule that does not parse, a reference to another segment, and the same rule again', async () => {
    const bad = await put('broken', { rule: { frobnicate: [] }, reason: 'r' });
    expect([bad.statusCode, bad.json().code]).toEqual([422, FlagErrorCodes.SEGMENT_INVALID]);
    const nested = await put('nested', { rule: { $ref: 'staff' }, reason: 'r' });
    expect([nested.statusCode, nested.json().code]).toEqual([422, FlagErrorCodes.SEGMENT_INVALID]);
    const again = await put('staff', {
      rule: { in: [{ var: 'email' }, ['a@contractor.example', 'b@railyard.example']] },
      reason: 'r',
    });
    expect([again.statusCode, again.json().code]).toEqual([409, FlagErrorCodes.SEGMENT_UNCHANGED]);
    expect((await put('Bad Name', { rule: {}, reason: 'r' })).statusCode).toBe(400);
    expect(await f.eventsOf(segmentStream('broken'))).toEqual([]);
  });
});
