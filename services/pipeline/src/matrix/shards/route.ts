import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { RunRouteDeps } from '../../runs/run-commands.js';
import { handleRunCommand } from '../../runs/run-glue.js';
import { Reason, RunView, StageParams } from '../../runs/run-view.js';

const token = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, 'lowercase letters, digits, dots, dashes');
const PlanBody = z.strictObject({
  tests: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(300),
        durationMs: z.number().min(0).max(86_400_000).describe('Historical duration (e.g. the median of recent runs).'),
        durationsByCombo: z.record(z.string(), z.number().min(0).max(86_400_000)).optional(),
      }),
    )
    .min(1)
    .max(20_000),
  matrix: z.strictObject({ browsers: z.array(token).min(1).max(20), devices: z.array(token).min(1).max(20) }),
  shardCount: z.number().int().min(1).max(256),
  reason: Reason,
});
const ShardParams = StageParams.extend({ shard: z.coerce.number().int().min(0).max(255) });
const ResultBody = z.strictObject({
  outcome: z.enum(['passed', 'failed']),
  durationMs: z.number().min(0).max(86_400_000),
  failedTests: z.array(z.string().min(1).max(300)).max(10_000).default([]),
  reason: Reason,
});
const executors = { roles: ['deployer'] as const };

/** The test matrix (L3): plan shards by historical durations, record shard results, rerun only failed shards. */
export const shardRoutes: FastifyPluginAsyncZod<RunRouteDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/stages/:stage/shards',
    {
      config: executors,
      schema: {
        summary: 'Shard the test stage across a browser × device matrix (longest processing time first)',
        tags: ['test-matrix'],
        params: StageParams,
        body: PlanBody,
        response: { 201: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { tests, matrix, shardCount, reason } = request.body;
      const combos = matrix.browsers.flatMap((b) => matrix.devices.map((d) => `${b}/${d}`));
      const command = {
        type: 'PlanShards' as const,
        actor: ctx.actor,
        at: ctx.now,
        stage: request.params.stage,
        tests,
        combos,
        shardCount,
        reason,
      };
      await handleRunCommand(deps, reply, request.params.id, command, ctx, 201);
      return reply;
    },
  );
  app.post(
    '/runs/:id/stages/:stage/shards/:shard/result',
    {
      config: executors,
      schema: {
        summary: 'Record a shard attempt',
        tags: ['test-matrix'],
        params: ShardParams,
        body: ResultBody,
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage, shard } = request.params;
      const command = {
        type: 'RecordShardResult' as const,
        actor: ctx.actor,
        at: ctx.now,
        stage,
        shard,
        ...request.body,
      };
      await handleRunCommand(deps, reply, id, command, ctx);
      return reply;
    },
  );
  app.post(
    '/runs/:id/stages/:stage/shards/rerun',
    {
      config: executors,
      schema: {
        summary: 'Rerun only the failed shards',
        tags: ['test-matrix'],
        params: StageParams,
        body: z.strictObject({ reason: Reason }).nullish(),
        response: { 200: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { id, stage } = request.params;
      await handleRunCommand(
        deps,
        reply,
        id,
        { type: 'RerunFailedShards', actor: ctx.actor, at: ctx.now, stage, reason: request.body?.reason },
        ctx,
      );
      return reply;
    },
  );
};
