import { isDeepStrictEqual } from 'node:util';
import {
  type Actor,
  PipelineErrorCodes as Codes,
  invalid,
  type PipelineDefinitionEvent,
  type StageDefinition,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export interface DefinitionVersion {
  version: number;
  tier: 'critical' | 'standard' | 'low';
  securityPolicy: string;
  stages: StageDefinition[];
}
export type DefinitionState = { exists: false } | { exists: true; service: string; versions: DefinitionVersion[] };

export interface VersionDefinition {
  type: 'VersionDefinition';
  actor: Actor;
  at: Date;
  definitionId: string;
  service: string;
  tier: DefinitionVersion['tier'];
  securityPolicy: string;
  stages: StageDefinition[];
  reason?: string;
}

/** The shape rules of a definition: unique names, an approval always leads into a deploy of its environment. */
function checkStages(stages: readonly StageDefinition[]): void {
  const names = new Set<string>();
  stages.forEach((stage, i) => {
    if (names.has(stage.name)) throw invalid(Codes.DEFINITION_INVALID, `Stage name ${stage.name} is used twice.`);
    names.add(stage.name);
    if (stage.kind === 'approval') {
      const next = stages[i + 1];
      if (next?.kind !== 'deploy' || next.environment !== stage.environment) {
        throw invalid(
          Codes.DEFINITION_INVALID,
          `Approval ${stage.name} must be followed by deploy(${stage.environment}).`,
        );
      }
    }
  });
  if (!stages.some((s) => s.kind === 'deploy')) {
    throw invalid(Codes.DEFINITION_INVALID, 'A pipeline deploys somewhere: add a deploy stage.');
  }
}

// Structural, not textual: stored stages come back from jsonb with their keys reordered.
const sameAs = (a: DefinitionVersion, c: VersionDefinition) =>
  a.tier === c.tier && a.securityPolicy === c.securityPolicy && isDeepStrictEqual(a.stages, c.stages);

export const definitionDecider: Decider<VersionDefinition, PipelineDefinitionEvent, DefinitionState> = {
  initialState: { exists: false },
  evolve(state, event) {
    const { service, version, tier, securityPolicy, stages } = event.data;
    const versions = state.exists ? state.versions : [];
    return { exists: true, service, versions: [...versions, { version, tier, securityPolicy, stages }] };
  },
  decide(c, state) {
    checkStages(c.stages);
    const latest = state.exists ? state.versions.at(-1) : undefined;
    // Publishing the same definition again is a retry, not a new version.
    if (latest && sameAs(latest, c)) return [];
    return [
      {
        type: 'PipelineDefinitionVersioned',
        data: {
          definitionId: c.definitionId,
          service: c.service,
          version: (latest?.version ?? 0) + 1,
          tier: c.tier,
          securityPolicy: c.securityPolicy,
          stages: c.stages,
          reason: c.reason ?? `Definition of ${c.service} by ${c.actor.id}.`,
        },
      },
    ];
  },
};
