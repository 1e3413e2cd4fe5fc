import { ChangeCommit, PipelineErrorCodes, ruleViolated, ServiceNameSchema } from '@railyard/contracts';
import { type EventStore, newAggregateId } from '@railyard/eventstore';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { artifactGatesOf, type PipelineDb } from '../../artifact-gates/artifact-gates.js';
import { loadDefinition } from '../../definitions/definition-commands.js';
import { type StrategyPolicy, strategiesFor } from '../../strategy/domain/strategy.js';
import type { RunRouteDeps } from '../run-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { Reason, RunView } from '../run-view.js';

const Body = z.strictObject({
  service: ServiceNameSchema,
  artifact: z.strictObject({ name: z.string().min(1).max(200), version: z.string().min(1).max(256) }),
  changeAuthor: z.string().min(1).max(200).describe('Who authored the change: barred from approving the run.'),
  releaseId: z.uuid().optional().describe('The planning release this run ships, for DORA lead time by release.'),
  commits: z
    .array(ChangeCommit)
    .max(10_000)
    .optional()
    .describe('The commits the artifact contains, with their commit times: lead time for changes starts there.'),
  reason: Reason,
});

/** POST /runs — start a run of the service's current definition for an artifact version (L2). */
export interface StartRunDeps extends RunRouteDeps {
  /** The definitions' streams, read for the version the run pins. */
  store: EventStore;
  /** The gate read model, for the artifact's digest. */
  db: Kysely<PipelineDb>;
  strategies: StrategyPolicy;
}

export const startRunRoute: FastifyPluginAsyncZod<StartRunDeps> = async (app, deps) => {
  app.post(
    '/runs',
    {
      config: { roles: ['developer', 'deployer', 'release-manager'] },
      schema: {
        summary: 'Start a pipeline run for an artifact version',
        tags: ['runs'],
        body: Body,
        response: { 201: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const body = request.body;
      const { definition } = await loadDefinition(deps.store, body.service);
      const pinned = definition.versions.at(-1)!;
      // The digest comes from the artifact service's events as this service's read model holds them.
      const known = await artifactGatesOf(deps.db, body.artifact.name, body.artifact.version);
      if (!known) {
        throw ruleViolated(
          PipelineErrorCodes.ARTIFACT_UNKNOWN,
          `No artifact ${body.artifact.name}@${body.artifact.version} is known from the artifact service's events.`,
        );
      }
      const runId = newAggregateId(ctx, 'pipelineRun');
      reply.header('location', `/runs/${runId}`);
      await handleRunCommand(
        deps,
        reply,
        runId,
        {
          type: 'StartRun',
          actor: ctx.actor,
          at: ctx.now,
          reason: body.reason,
          runId,
          service: body.service,
          definitionVersion: pinned.version,
          stages: pinned.stages,
          tier: pinned.tier,
          securityPolicy: pinned.securityPolicy,
          strategies: strategiesFor(deps.strategies, pinned.tier, pinned.stages),
          artifact: { name: known.name, version: known.version, sha256: known.sha256 },
          changeAuthor: body.changeAuthor,
          releaseId: body.releaseId ?? null,
          commits: body.commits ?? [],
        },
        ctx,
        201,
      );
      return reply;
    },
  );
};
