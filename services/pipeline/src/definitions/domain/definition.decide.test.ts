import { PipelineErrorCodes as Codes, type PipelineDefinitionEvent, type StageDefinition } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { definitionDecider, type VersionDefinition } from './definition.decide.js';

const actor = { id: 'rm-ana', kind: 'user' as const, roles: ['release-manager'] };
const at = new Date('2026-11-26T10:00:00Z');
const definitionId = '0193a5b0-0000-7000-8000-0000000000dd';
const stages: StageDefinition[] = [
  { kind: 'build', name: 'build' },
  { kind: 'deploy', name: 'staging', environment: 'staging' },
  {
    kind: 'approval',
    name: 'gate',
    environment: 'prod',
    groups: ['approver'],
    minApprovals: 2,
    expiresAfterMinutes: 30,
  },
  { kind: 'deploy', name: 'prod', environment: 'prod' },
];
const command = (over: Partial<VersionDefinition> = {}): VersionDefinition => ({
  type: 'VersionDefinition',
  actor,
  at,
  definitionId,
  service: 'payments-api',
  tier: 'critical',
  securityPolicy: 'default',
  stages,
  reason: 'first',
  ...over,
});
const v1: PipelineDefinitionEvent = {
  type: 'PipelineDefinitionVersioned',
  data: {
    definitionId,
    service: 'payments-api',
    version: 1,
    tier: 'critical',
    securityPolicy: 'default',
    stages,
    reason: 'first',
  },
};
const def = spec(definitionDecider);

describe('a pipeline definition', () => {
  it('gets version 1, then the next version on a change', () => {
    def.when(command()).then([v1]);
    def
      .given([v1])
      .when(command({ tier: 'standard', reason: 'tier' }))
      .then([
        { type: 'PipelineDefinitionVersioned', data: { ...v1.data, version: 2, tier: 'standard', reason: 'tier' } },
      ]);
  });
  it('records nothing for the same definition again', () => {
    def.given([v1]).when(command()).thenNothing();
  });
  it('refuses an approval that does not lead into a deploy of its environment', () => {
    def.when(command({ stages: [stages[0]!, stages[2]!, stages[1]!] })).thenThrows(Codes.DEFINITION_INVALID);
  });
  it('refuses duplicate stage names and a pipeline without a deploy', () => {
    def.when(command({ stages: [stages[0]!, stages[0]!, stages[1]!] })).thenThrows(Codes.DEFINITION_INVALID);
    def.when(command({ stages: [stages[0]!] })).thenThrows(Codes.DEFINITION_INVALID);
  });
  it('records nothing when the same definition comes back with its keys in another order (jsonb)', () => {
    const reordered = stages.map((s) => Object.fromEntries(Object.entries(s).reverse()) as StageDefinition);
    def
      .given([v1])
      .when(command({ stages: reordered }))
      .then([]);
  });
});
