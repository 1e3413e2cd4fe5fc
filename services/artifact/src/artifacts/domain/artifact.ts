import type { ArtifactEvent } from '@railyard/contracts';

export interface LicenseFinding {
  name: string;
  license: string;
  verdict: 'allowed' | 'denied' | 'unknown' | 'unasserted';
}

export interface RegisteredArtifact {
  exists: true;
  id: string;
  name: string;
  kind: string;
  version: string;
  sha256: string;
  size?: number;
  storage: 'internal' | 'external';
  uri?: string;
  buildMetadata?: string;
  sourceCommit?: string;
  repository?: string;
  pipelineRun?: string;
  stability: 'release' | 'snapshot';
  auditClass: 'standard' | 'regulated';
  staticAnalysis?: { tool: string; critical: number; high: number; medium: number; low: number; info: number };
  vulnerabilities?: { tool: string; critical: number; high: number; medium: number; low: number };
  licenses?: LicenseFinding[];
  signatures: { keyId: string; algorithm: 'ed25519'; signature: string }[];
  promotions: string[];
  overwriteAttempts: number;
  legalHold?: { reason: string; caseRef?: string };
  swept?: { rule: string; reason: string; retainedUntil: string };
}

export type ArtifactState = { exists: false } | RegisteredArtifact;

export const initialArtifactState: ArtifactState = { exists: false };

/** Folds one artifact event into the state. Pure and total. */
export function evolveArtifact(state: ArtifactState, event: ArtifactEvent): ArtifactState {
  if (event.type === 'ArtifactRegistered') {
    const { artifactId, ...d } = event.data;
    return { exists: true, id: artifactId, ...d, signatures: [], promotions: [], overwriteAttempts: 0 };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ArtifactOverwriteRefused':
      return { ...state, overwriteAttempts: state.overwriteAttempts + 1 };
    case 'StaticAnalysisAttached':
      return { ...state, staticAnalysis: { tool: event.data.tool, ...event.data.findings } };
    case 'VulnerabilityScanAttached':
      return { ...state, vulnerabilities: { tool: event.data.tool, ...event.data.counts } };
    case 'LicenseScanAttached':
      return {
        ...state,
        licenses: event.data.components.map(({ name, license, verdict }) => ({ name, license, verdict })),
      };
    case 'ArtifactSigned': {
      const { keyId, algorithm, signature } = event.data;
      return { ...state, signatures: [...state.signatures, { keyId, algorithm, signature }] };
    }
    case 'ArtifactPromoted':
      return { ...state, promotions: [...state.promotions, event.data.stage] };
    case 'LegalHoldPlaced':
      return { ...state, legalHold: { reason: event.data.reason, caseRef: event.data.caseRef } };
    case 'LegalHoldReleased': {
      const { legalHold: _released, ...rest } = state;
      return rest;
    }
    case 'ArtifactSwept': {
      const { rule, reason, retainedUntil } = event.data;
      return { ...state, swept: { rule, reason, retainedUntil } };
    }
  }
}
