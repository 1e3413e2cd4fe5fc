import { LoadTestMetrics, RunArtifact, ServiceNameSchema } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod, schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { loadRun } from '../../runs/run-commands.js';
import { RunParams } from '../../runs/run-view.js';
import type { BaselineState } from '../domain/baseline.decide.js';
import { type BaselineCommands, baselineStream, loadBaseline } from '../gate-commands.js';

const BaselineView = schemaComponent(
  'LoadTestBaseline',
  z.object({
    service: z.string(),
    baseline: LoadTestMetrics.nullable(),
    acceptedRun: z.uuid().nullable(),
    rollbackTarget: RunArtifact.nullable(),
    accepted: z.number().int(),
  }),
);
const view = (service: string, state: BaselineState) => {
  const last = state.accepted.at(-1);
  return {
    service,
    baseline: last?.metrics ?? null,
    acceptedRun: last?.runId ?? null,
    rollbackTarget: last?.artifact ?? null,
    accepted: state.accepted.length,
  };
};

/** Accept a succeeded run's release: the only way the performance baseline (and the rollback target) moves (L6). */
export interface AcceptReleaseDeps {
  commands: BaselineCommands;
  /** The run's and the baseline's streams. */
  store: EventStore;
  now: () => Date;
}

export const acceptReleaseRoutes: FastifyPluginAsyncZod<AcceptReleaseDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/accept',
    {
      config: { roles: ['release-manager', 'deployment-lead'] },
      schema: {
        summary: 'Accept the release of a succeeded run (its load test becomes the baseline)',
        tags: ['gates'],
        params: RunParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }).nullish(),
        response: { 200: BaselineView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { run } = await loadRun(deps.store, request.params.id);
      const result = await deps.commands.handle(
        baselineStream(run.service),
        { type: 'AcceptRelease', actor: ctx.actor, at: ctx.now, run, reason: request.body?.reason },
        ctx,
      );
      return reply.header('etag', etagOf(result.revision)).send(view(run.service, result.state));
    },
  );
  app.get(
    '/services/:service/performance-baseline',
    {
      schema: {
        summary: 'The service performance baseline and rollback target (last accepted release)',
        tags: ['gates'],
        params: z.strictObject({ service: ServiceNameSchema }),
        response: { 200: BaselineView },
      },
    },
    async (request) => view(request.params.service, await loadBaseline(deps.store, request.params.service)),
  );
};
