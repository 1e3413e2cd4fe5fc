import { ErrorCodes, PlanningErrorCodes, type ReleaseEvent, ReleaseTrainCreated } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, added, dev, exc1, frozen, itemA, manager, planned } from '../../test-support/release-history.js';
import { type ReleaseSpecFixture, releaseEventsOf, startReleaseSpecs, train } from '../../test-support/release-spec.js';
import { trainStream } from '../../trains/train-commands.js';

describe('POST /releases/:id/scope-items', () => {
  let s: ReleaseSpecFixture;
  beforeAll(async () => {
    s = await startReleaseSpecs('addScopeItem');
  });
  afterAll(async () => {
    await s?.close();
  });
  const add = (id: string, body: Record<string, unknown>) =>
    s.request('POST', `/releases/${id}/scope-items`, dev, { team: 'payments', kind: 'fix', ...body });

  it('proposes the item: ScopeItemAdded by its author, 201 with the minted item id', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(id, planned)
      .when(add(id, { title: 'Fix refunds', service: 'payments-api', criticality: 'high' }))
      .then({
        status: 201,
        body: (body) => expect(body.release).toMatchObject({ id, status: 'draft' }),
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'ScopeItemAdded',
              data: {
                releaseId: id,
                itemId: res.json().itemId,
                title: 'Fix refunds',
                team: 'payments',
                kind: 'fix',
                service: 'payments-api',
                criticality: 'high',
                author: dev.id,
              },
            },
          ]),
        }),
      });
  });

  it('after the freeze, spends the approved exception naming this change (FreezeExceptionUsed)', async () => {
    const { id, stream } = s.fresh();
    await s
      .given(
        id,
        planned,
        added(itemA, 'Fix refunds'),
        accepted(itemA),
        frozen,
        {
          type: 'FreezeExceptionRequested',
          data: {
            releaseId: id,
            exceptionId: exc1,
            change: { action: 'add-scope-item', title: 'Hotfix', team: 'payments', kind: 'fix' },
            justification: 'Outage',
            requestedBy: dev.id,
          },
        },
        {
          type: 'FreezeExceptionDecided',
          data: { releaseId: id, exceptionId: exc1, decision: 'approved', decidedBy: manager.id },
        },
      )
      .when(add(id, { title: 'Hotfix' }))
      .then({
        status: 201,
        events: (res) => ({
          [stream]: releaseEventsOf(id, [
            {
              type: 'ScopeItemAdded',
              data: {
                releaseId: id,
                itemId: res.json().itemId,
                title: 'Hotfix',
                team: 'payments',
                kind: 'fix',
                author: dev.id,
              },
            },
            { type: 'FreezeExceptionUsed', data: { releaseId: id, exceptionId: exc1, itemId: res.json().itemId } },
          ]),
        }),
      });
  });

  it('404 PLANNING_RELEASE_NOT_FOUND', async () => {
    const { id } = s.fresh();
    await s
      .spec()
      .when(add(id, { title: 'x' }))
      .then({ status: 404, code: ErrorCodes.PLANNING_RELEASE_NOT_FOUND });
  });

  it('409 PLANNING_FREEZE_ACTIVE after the freeze without an exception', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'), accepted(itemA), frozen)
      .when(add(id, { title: 'Late' }))
      .then({ status: 409, code: ErrorCodes.PLANNING_FREEZE_ACTIVE });
  });

  it('409 PLANNING_FREEZE_CUTOFF_PASSED after the cutoff', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, {
        type: 'FreezeCutoffSet',
        data: { releaseId: id, cutoffAt: '2026-11-01T00:00:00.000Z', setBy: manager.id },
      })
      .when(add(id, { title: 'Late' }))
      .then({ status: 409, code: PlanningErrorCodes.CUTOFF_PASSED });
  });

  it('422 PLANNING_ROADMAP_REF_REQUIRED for a feature without its roadmap item', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned)
      .when(add(id, { title: 'Search', kind: 'feature' }))
      .then({ status: 422, code: ErrorCodes.PLANNING_ROADMAP_REF_REQUIRED });
  });

  it('409 PLANNING_SCOPE_ITEM_DUPLICATE for the same title in the same team', async () => {
    const { id } = s.fresh();
    await s
      .given(id, planned, added(itemA, 'Fix refunds'))
      .when(add(id, { title: 'fix REFUNDS' }))
      .then({ status: 409, code: ErrorCodes.PLANNING_SCOPE_ITEM_DUPLICATE, body: { itemId: itemA } });
  });

  it('409 PLANNING_TRAIN_TEAM_NOT_MEMBER for a team not on the release train', async () => {
    const { id } = s.fresh();
    const trainId = s.fresh().id;
    await s
      .given(id, { ...planned, data: { ...planned.data, trainId } } as ReleaseEvent)
      .given(trainStream(trainId), event(ReleaseTrainCreated, train(trainId)))
      .when(add(id, { title: 'x', team: 'search' }))
      .then({ status: 409, code: PlanningErrorCodes.TRAIN_TEAM_NOT_MEMBER });
  });
});
