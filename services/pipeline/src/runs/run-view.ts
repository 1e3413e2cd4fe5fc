import { RolloutStrategy, StageDefinition } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type ActiveRun, actualWallMs } from './domain/run.js';

export const RunParams = z.strictObject({ id: z.uuid() });
export const StageParams = z.strictObject({ id: z.uuid(), stage: z.coerce.number().int().min(0).max(49) });
export const Reason = z.string().trim().min(1).max(1000).optional().describe('Why: recorded on the event (audit).');

export const RunView = schemaComponent(
  'Run',
  z.object({
    id: z.uuid(),
    service: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    artifact: z.object({ name: z.string(), version: z.string(), sha256: z.string() }),
    stages: z.array(StageDefinition),
    currentStage: z.number().int().nullable(),
    claimedBy: z.string().nullable(),
    approvals: z.array(z.object({ approver: z.string(), group: z.string() })),
    approvalExpiresAt: z.string().nullable(),
    strategies: z.array(z.object({ environment: z.string(), strategy: RolloutStrategy })),
    deployedTo: z.array(z.string()),
    testShards: z
      .object({
        stage: z.number().int(),
        predictedWallMs: z.number(),
        actualWallMs: z.number().describe('The slowest shard: the sum of its attempts so far.'),
        shards: z.array(
          z.object({
            shard: z.number().int(),
            status: z.string(),
            predictedMs: z.number(),
            attempts: z.number().int(),
          }),
        ),
      })
      .nullable(),
    revision: z.number().int(),
  }),
);
export type RunView = z.infer<typeof RunView>;

/** The run as the API shows it, from its folded state. */
export function runView(run: ActiveRun, revision: bigint): RunView {
  const plan = run.shardPlan;
  return {
    id: run.runId,
    service: run.service,
    status: run.status,
    artifact: run.artifact,
    stages: run.stages,
    currentStage: run.status === 'running' ? run.current : null,
    claimedBy: run.claimedBy ?? null,
    approvals: run.approvals,
    approvalExpiresAt: run.approvalExpiresAt ?? null,
    strategies: run.strategies,
    deployedTo: run.deployedTo,
    testShards: plan
      ? {
          stage: plan.stage,
          predictedWallMs: plan.predictedWallMs,
          actualWallMs: actualWallMs(plan),
          shards: plan.shards.map((s) => ({
            shard: s.shard,
            status: s.status,
            predictedMs: s.predictedMs,
            attempts: s.attempts.length,
          })),
        }
      : null,
    revision: Number(revision),
  };
}
