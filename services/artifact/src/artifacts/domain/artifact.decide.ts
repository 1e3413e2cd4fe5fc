import {
  type Actor,
  ArtifactErrorCodes,
  type ArtifactEvent,
  type LicenseScanAttached,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { z } from 'zod';
import { type ArtifactState, evolveArtifact, initialArtifactState, type RegisteredArtifact } from './artifact.js';
import { evaluateGates, type SignatureCheck, type StagePolicy } from './gates.js';
import { checkName, type NamingConventions, parseVersion } from './naming.js';

/** What every artifact command carries besides its own fields: who asks, and when. */
interface Issued {
  actor: Actor;
  at: Date;
}

export type RegisterArtifact = Issued & {
  type: 'RegisterArtifact';
  artifactId: string;
  name: string;
  kind: string;
  version: string;
  sha256: string;
  size?: number;
  storage: 'internal' | 'external';
  uri?: string;
  sourceCommit?: string;
  repository?: string;
  pipelineRun?: string;
  auditClass: 'standard' | 'regulated';
};
type Counts = { critical: number; high: number; medium: number; low: number };
export type AttachStaticAnalysis = Issued & {
  type: 'AttachStaticAnalysis';
  tool: string;
  findings: Counts & { info: number };
};
export type AttachVulnerabilityScan = Issued & { type: 'AttachVulnerabilityScan'; tool: string; counts: Counts };
export type AttachLicenseScan = Issued & {
  type: 'AttachLicenseScan';
  scan: Omit<z.infer<typeof LicenseScanAttached.schema>, 'artifactId'>;
};
export type SignArtifact = Issued & { type: 'SignArtifact'; keyId: string; algorithm: 'ed25519'; signature: string };
export type PromoteArtifact = Issued & {
  type: 'PromoteArtifact';
  stage: string;
  policy: StagePolicy;
  /** Each signature of the artifact verified against the key vault by the caller (the domain does no crypto). */
  signatureChecks: SignatureCheck[];
};
export type PlaceLegalHold = Issued & { type: 'PlaceLegalHold'; reason: string; caseRef?: string };
export type ReleaseLegalHold = Issued & { type: 'ReleaseLegalHold'; reason?: string };
export type SweepArtifact = Issued & { type: 'SweepArtifact'; rule: string; retainedUntil: Date; reason: string };

export type ArtifactCommand =
  | RegisterArtifact
  | AttachStaticAnalysis
  | AttachVulnerabilityScan
  | AttachLicenseScan
  | SignArtifact
  | PromoteArtifact
  | PlaceLegalHold
  | ReleaseLegalHold
  | SweepArtifact;

function registered(state: ArtifactState): RegisteredArtifact {
  if (!state.exists) throw notFound(ArtifactErrorCodes.NOT_FOUND, 'No artifact with this name and version.');
  return state;
}

function live(state: ArtifactState, what: string): RegisteredArtifact {
  const artifact = registered(state);
  if (artifact.swept) {
    throw ruleViolated(ArtifactErrorCodes.SWEPT, `The artifact's content was swept by retention: ${what} is over.`, {
      rule: artifact.swept.rule,
    });
  }
  return artifact;
}

function register(conventions: NamingConventions, command: RegisterArtifact, state: ArtifactState): ArtifactEvent[] {
  checkName(conventions, command.kind, command.name);
  const version = parseVersion(command.version);
  if (state.exists) {
    // name@version never changes content: the same bytes again are a no-op, other bytes are refused and recorded.
    if (state.sha256 === command.sha256) return [];
    return [
      {
        type: 'ArtifactOverwriteRefused',
        data: {
          artifactId: state.id,
          name: state.name,
          version: command.version,
          existingSha256: state.sha256,
          attemptedSha256: command.sha256,
          ...(command.size !== undefined ? { attemptedSize: command.size } : {}),
        },
      },
    ];
  }
  const { type: _t, actor: _a, at: _at, ...fields } = command;
  return [
    {
      type: 'ArtifactRegistered',
      data: {
        ...fields,
        version: command.version,
        ...(version.buildMetadata ? { buildMetadata: version.buildMetadata } : {}),
        stability: version.stability,
      },
    },
  ];
}

function promote(command: PromoteArtifact, state: ArtifactState): ArtifactEvent[] {
  const artifact = live(state, 'promotion');
  if (artifact.promotions.includes(command.stage)) return [];
  const outcome = evaluateGates(artifact, command.policy, command.signatureChecks);
  if (outcome.failed.length > 0) {
    throw ruleViolated(
      ArtifactErrorCodes.GATE_FAILED,
      `Promotion to ${command.stage} refused: ${outcome.failed.map((f) => f.rule).join(', ')}.`,
      { stage: command.stage, failures: outcome.failed },
    );
  }
  return [
    {
      type: 'ArtifactPromoted',
      data: {
        artifactId: artifact.id,
        name: artifact.name,
        version: artifact.version,
        sha256: artifact.sha256,
        stage: command.stage,
        rulesChecked: outcome.passed,
      },
    },
  ];
}

function sweep(command: SweepArtifact, state: ArtifactState): ArtifactEvent[] {
  const artifact = registered(state);
  if (artifact.swept) return [];
  if (artifact.legalHold) {
    throw ruleViolated(
      ArtifactErrorCodes.LEGAL_HOLD_ACTIVE,
      `A legal hold blocks deletion: ${artifact.legalHold.reason}`,
    );
  }
  if (command.retainedUntil > command.at) {
    throw ruleViolated(
      ArtifactErrorCodes.RETENTION_NOT_EXPIRED,
      `Retention (${command.rule}) keeps it until ${command.retainedUntil.toISOString()}.`,
    );
  }
  return [
    {
      type: 'ArtifactSwept',
      data: {
        artifactId: artifact.id,
        sha256: artifact.sha256,
        rule: command.rule,
        retainedUntil: command.retainedUntil.toISOString(),
        reason: command.reason,
      },
    },
  ];
}

function decide(conventions: NamingConventions, command: ArtifactCommand, state: ArtifactState): ArtifactEvent[] {
  switch (command.type) {
    case 'RegisterArtifact':
      return register(conventions, command, state);
    case 'AttachStaticAnalysis': {
      const artifact = live(state, 'attaching results');
      return [
        {
          type: 'StaticAnalysisAttached',
          data: { artifactId: artifact.id, tool: command.tool, findings: command.findings },
        },
      ];
    }
    case 'AttachVulnerabilityScan': {
      const artifact = live(state, 'attaching results');
      return [
        {
          type: 'VulnerabilityScanAttached',
          data: { artifactId: artifact.id, tool: command.tool, counts: command.counts },
        },
      ];
    }
    case 'AttachLicenseScan': {
      const artifact = live(state, 'attaching results');
      return [{ type: 'LicenseScanAttached', data: { artifactId: artifact.id, ...command.scan } }];
    }
    case 'SignArtifact': {
      const artifact = live(state, 'signing');
      if (artifact.signatures.some((s) => s.keyId === command.keyId)) return [];
      const { keyId, algorithm, signature } = command;
      return [
        {
          type: 'ArtifactSigned',
          data: { artifactId: artifact.id, sha256: artifact.sha256, keyId, algorithm, signature },
        },
      ];
    }
    case 'PromoteArtifact':
      return promote(command, state);
    case 'PlaceLegalHold': {
      const artifact = registered(state);
      if (artifact.legalHold) return [];
      const data = {
        artifactId: artifact.id,
        reason: command.reason,
        ...(command.caseRef ? { caseRef: command.caseRef } : {}),
      };
      return [{ type: 'LegalHoldPlaced', data }];
    }
    case 'ReleaseLegalHold': {
      const artifact = registered(state);
      if (!artifact.legalHold) {
        throw ruleViolated(ArtifactErrorCodes.LEGAL_HOLD_ABSENT, 'The artifact is not under a legal hold.');
      }
      return [
        {
          type: 'LegalHoldReleased',
          data: { artifactId: artifact.id, ...(command.reason ? { reason: command.reason } : {}) },
        },
      ];
    }
    case 'SweepArtifact':
      return sweep(command, state);
  }
}

/** The artifact decider under a naming convention: one small pure function per command. */
export function artifactDecider(
  conventions: NamingConventions,
): Decider<ArtifactCommand, ArtifactEvent, ArtifactState> {
  return {
    initialState: initialArtifactState,
    evolve: evolveArtifact,
    decide: (command, state) => decide(conventions, command, state),
  };
}
