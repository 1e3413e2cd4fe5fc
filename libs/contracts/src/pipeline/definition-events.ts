import { z } from 'zod';
import { defineEvent } from '../envelope.js';

const stageName = z.string().trim().min(1).max(100);
/** An environment name (`staging`, `prod`, `eu-prod`…). */
export const EnvironmentName = z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'a lowercase environment name');
/** A service name as the artifact registry names deployables. */
export const ServiceNameSchema = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a lowercase dashed service name');
/** How critical a service is: selects the rollout strategy per environment (L5). */
export const ServiceTier = z.enum(['critical', 'standard', 'low']);

/** One stage of a pipeline definition (L1): build → test → deploy(env) → verify, with approvals between. */
export const StageDefinition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('build'), name: stageName }),
  z.strictObject({ kind: z.literal('test'), name: stageName }),
  z.strictObject({ kind: z.literal('deploy'), name: stageName, environment: EnvironmentName }),
  z.strictObject({ kind: z.literal('verify'), name: stageName, environment: EnvironmentName.optional() }),
  z.strictObject({
    kind: z.literal('approval'),
    name: stageName,
    environment: EnvironmentName.describe('The environment the approval lets the run into.'),
    groups: z.array(z.string().min(1).max(64)).min(1).max(10).describe('Roles any of which may approve.'),
    minApprovals: z.number().int().min(1).max(10),
    expiresAfterMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30)
      .describe('How long the request stays open.'),
  }),
]);
export type StageDefinition = z.infer<typeof StageDefinition>;

export const PipelineDefinitionVersioned = defineEvent(
  'PipelineDefinitionVersioned',
  z.strictObject({
    definitionId: z.uuid(),
    service: ServiceNameSchema,
    version: z.number().int().min(1),
    tier: ServiceTier,
    securityPolicy: z.string().min(1).max(100).describe('The security policy (by name) the runs are gated by.'),
    stages: z.array(StageDefinition).min(1).max(50),
    reason: z.string().max(1000),
  }),
  'A new version of a service pipeline definition; runs already started keep the version they pinned.',
);

/** The pipeline definition aggregate's catalogue (stream `pipelineDefinition-<id>`, one per service). */
export const pipelineDefinitionEvents = { PipelineDefinitionVersioned } as const;
export type PipelineDefinitionEvent = {
  type: 'PipelineDefinitionVersioned';
  data: z.infer<typeof PipelineDefinitionVersioned.schema>;
};
