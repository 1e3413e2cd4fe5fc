import {
  GovernanceErrorCodes as Codes,
  notFound,
  RetrospectiveSubject,
  retrospectiveStream,
  ruleViolated,
  TimelineEntry,
} from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { type RetrospectiveCommands, RetrospectiveView, retrospectiveView } from '../retrospective-store.js';

const text = z.string().trim().min(1).max(2000);
const Body = z.strictObject({
  subject: RetrospectiveSubject.describe('The rollback (a rolled-back deployment) or the incident it looks back on.'),
  title: z.string().trim().min(1).max(300),
  timeline: z.array(TimelineEntry).max(500).default([]),
  contributingFactors: z.array(text).max(100).default([]),
  wentWell: z.array(text).max(100).default([]),
});

export interface RecordRetrospectiveDeps {
  commands: RetrospectiveCommands;
  pool: pg.Pool;
  /** Whether governance has this incident (its own stream). */
  incidentExists: (incidentId: string) => Promise<boolean>;
  now: () => Date;
}

/**
 * A rollback is known from orchestration's events as governance folded them: a deployment rolled back (or whose
 * rollback started or failed: the rollback notices record the start with its snapshot).
 */
async function checkRollback(pool: pg.Pool, deploymentId: string) {
  const { rows } = await pool.query(
    `SELECT d.status, d.rolled_back_at,
            EXISTS (SELECT 1 FROM governance.rollback_snapshots s WHERE s.deployment_id = d.deployment_id) AS started
     FROM reporting.deployments d WHERE d.deployment_id = $1`,
    [deploymentId],
  );
  const row = rows[0];
  if (!row) throw notFound(Codes.RETROSPECTIVE_DEPLOYMENT_UNKNOWN, `No deployment ${deploymentId} is known.`);
  if (!row.rolled_back_at && !row.started && row.status !== 'rollback_failed') {
    throw ruleViolated(Codes.RETROSPECTIVE_NOT_ROLLED_BACK, `Deployment ${deploymentId} was not rolled back.`, {
      status: row.status,
    });
  }
}

/** POST /retrospectives — records a blameless retrospective of a rollback or an incident (G5). */
export const recordRetrospectiveRoute: FastifyPluginAsyncZod<RecordRetrospectiveDeps> = async (app, deps) => {
  app.post(
    '/retrospectives',
    {
      config: { roles: ['sre', 'deployment-lead', 'release-manager'] },
      schema: {
        summary: 'Record a retrospective',
        tags: ['retrospectives'],
        body: Body,
        response: { 201: RetrospectiveView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { subject } = request.body;
      if (subject.kind === 'rollback') await checkRollback(deps.pool, subject.deploymentId);
      else if (!(await deps.incidentExists(subject.incidentId))) {
        throw notFound(Codes.INCIDENT_NOT_FOUND, `No incident ${subject.incidentId}.`);
      }
      const retrospectiveId = newAggregateId(ctx, 'retrospective');
      const result = await deps.commands.handle(
        retrospectiveStream(retrospectiveId),
        { type: 'RecordRetrospective', retrospectiveId, ...request.body, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return reply
        .code(201)
        .header('location', `/retrospectives/${retrospectiveId}`)
        .header('etag', etagOf(result.revision))
        .send(retrospectiveView(result.state, result.revision, ctx.now));
    },
  );
};
