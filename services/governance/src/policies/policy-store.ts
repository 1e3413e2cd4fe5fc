import {
  GovernanceErrorCodes as Codes,
  DeploymentPolicyDocument,
  type DomainError,
  deploymentPolicyEvents,
  deploymentPolicyStream,
  type EnvironmentTier,
  type EventCatalogue,
  PolicyName,
  PolicyReason,
} from '@railyard/contracts';
import { type CommandContext, createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { type PolicyVersion, policyDecider } from './domain/policy.decide.js';

const catalogue = deploymentPolicyEvents as unknown as EventCatalogue;

export const createPolicyCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: policyDecider, catalogue });
export type PolicyCommands = ReturnType<typeof createPolicyCommands>;
export const loadPolicy = (store: EventStore, name: string) =>
  loadAggregate(store, policyDecider, catalogue, deploymentPolicyStream(name));

export const PolicyParams = z.strictObject({ name: PolicyName });

export const PolicyVersionView = schemaComponent(
  'PolicyVersion',
  z.object({
    policyName: z.string(),
    version: z.number().int(),
    document: DeploymentPolicyDocument,
    reason: PolicyReason,
    publishedBy: z.string(),
    publishedAt: z.string().describe('When this version came into force.'),
    supersededAt: z.string().nullable().describe('When the next version replaced it; null: in force.'),
  }),
);
export type PolicyVersionView = z.infer<typeof PolicyVersionView>;

/** A version as the API shows it, with the instant its successor (if any) took over. */
export const policyVersionView = (name: string, versions: PolicyVersion[], v: PolicyVersion): PolicyVersionView => ({
  policyName: name,
  ...v,
  supersededAt: versions.find((n) => n.version === v.version + 1)?.publishedAt ?? null,
});

/** What adopting a retrospective item as a check asks of the policies (built in app.ts for the retrospectives). */
export type RequireCheck = (
  input: { policyName: string; tiers: EnvironmentTier[]; check: string; reason: PolicyReason },
  ctx: CommandContext,
) => Promise<{ policyVersion: number }>;

/**
 * Appends the policy version requiring `check`, with the retrospective item as its reason. When a version citing the
 * same item already exists (an adoption interrupted before the retrospective recorded it), that version is the answer,
 * so a retried adoption completes instead of failing forever.
 */
export const requireCheckWith =
  (store: EventStore, commands: PolicyCommands): RequireCheck =>
  async (input, ctx) => {
    try {
      const result = await commands.handle(
        deploymentPolicyStream(input.policyName),
        { type: 'RequireCheck', ...input, actor: ctx.actor.id, at: ctx.now },
        ctx,
      );
      return { policyVersion: result.state.versions.at(-1)!.version };
    } catch (error) {
      if ((error as DomainError).code !== Codes.POLICY_REASON_ALREADY_APPLIED) throw error;
      const { state } = await loadPolicy(store, input.policyName);
      const earlier = state.versions.find(
        (v) => v.reason.kind === input.reason.kind && v.reason.ref === input.reason.ref,
      );
      if (!earlier) throw error;
      return { policyVersion: earlier.version };
    }
  };
