import { projectionSpecification } from '@railyard/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { PlanningDb } from '../../app.js';
import { startPlanningSchema } from '../../test-support/planning-schema.js';
import {
  dep1,
  dependency,
  dependencyReady,
  dev,
  ev1,
  evidence,
  exc1,
  itemA,
  manager,
  planned,
  releaseId,
  req1,
  requirement,
} from '../../test-support/release-history.js';
import { releaseEventsOf } from '../../test-support/release-spec.js';
import { releaseStream } from '../release-commands.js';
import { releaseBoardsProjection } from './projection.js';

describe('release-boards projection', () => {
  let schema: Awaited<ReturnType<typeof startPlanningSchema>>;
  let db: Kysely<PlanningDb>;
  beforeAll(async () => {
    schema = await startPlanningSchema('releaseBoardsProjection');
    db = schema.db;
  });
  afterAll(async () => {
    await schema?.close();
  });
  const stream = releaseStream(releaseId);

  it('dependency board: one row per edge with its latest status', async () => {
    await projectionSpecification(db, releaseBoardsProjection, () =>
      db
        .selectFrom('planning.dependency_board')
        .select(['dependency_id', 'from_team', 'to_team', 'blocking', 'status'])
        .execute(),
    )
      .given(stream, ...releaseEventsOf(releaseId, [planned, dependency(dep1, 'web', 'api'), dependencyReady(dep1)]))
      .then([{ dependency_id: dep1, from_team: 'web', to_team: 'api', blocking: true, status: 'ready' }]);
  });

  it('compliance status: evidence counted once per event, however often the events are applied', async () => {
    await projectionSpecification(db, releaseBoardsProjection, () =>
      db
        .selectFrom('planning.compliance_status')
        .select(['requirement_id', 'mandatory', 'pending_evidence', 'accepted_evidence', 'rejected_evidence'])
        .execute(),
    )
      .given(
        stream,
        ...releaseEventsOf(releaseId, [
          planned,
          requirement,
          evidence,
          {
            type: 'ComplianceEvidenceReviewed',
            data: {
              releaseId,
              requirementId: req1,
              evidenceId: ev1,
              verdict: 'rejected',
              reviewer: manager.id,
            },
          },
          { ...evidence, data: { ...evidence.data, evidenceId: itemA } },
        ] as Parameters<typeof releaseEventsOf>[1]),
      )
      .then([
        { requirement_id: req1, mandatory: true, pending_evidence: 1, accepted_evidence: 0, rejected_evidence: 1 },
      ]);
  });

  it('freeze-exception log: requested, then decided', async () => {
    await projectionSpecification(db, releaseBoardsProjection, () =>
      db
        .selectFrom('planning.freeze_exception_log')
        .select(['exception_id', 'action', 'status', 'requested_by', 'decided_by'])
        .execute(),
    )
      .given(
        stream,
        ...releaseEventsOf(releaseId, [
          planned,
          {
            type: 'FreezeExceptionRequested',
            data: {
              releaseId,
              exceptionId: exc1,
              change: { action: 'remove-scope-item', itemId: itemA },
              justification: 'Outage',
              requestedBy: dev.id,
            },
          },
          {
            type: 'FreezeExceptionDecided',
            data: { releaseId, exceptionId: exc1, decision: 'approved', decidedBy: manager.id },
          },
        ]),
      )
      .then([
        {
          exception_id: exc1,
          action: 'remove-scope-item',
          status: 'approved',
          requested_by: dev.id,
          decided_by: manager.id,
        },
      ]);
  });
});
