import { type Actor, ArtifactErrorCodes, type BundleEvent, invalid, ruleViolated } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
// semver's range grammar (^, ~, x-ranges, hyphen ranges, ||) is npm's; a pure library, so the domain stays pure.
import semver from 'semver';
import { parseVersion } from '../../artifacts/domain/naming.js';

export interface PinnedArtifact {
  name: string;
  version: string;
  /** The registered digest, or undefined when name@version is not registered (looked up by the caller). */
  sha256: string | undefined;
  repository?: string;
}
export interface Constraint {
  from: string;
  to: string;
  range: string;
}

export type CreateBundle = {
  type: 'CreateBundle';
  actor: Actor;
  at: Date;
  bundleId: string;
  name: string;
  version: string;
  artifacts: PinnedArtifact[];
  constraints: Constraint[];
};

export type BundleState =
  | { exists: false }
  | { exists: true; data: Extract<BundleEvent, { type: 'BundleCreated' }>['data'] };

const fingerprint = (artifacts: { name: string; sha256?: string }[], constraints: Constraint[]) =>
  JSON.stringify([
    [...artifacts].map((a) => `${a.name}@${a.sha256}`).sort(),
    [...constraints].map((c) => `${c.from}>${c.to}:${c.range}`).sort(),
  ]);

function create(command: CreateBundle, state: BundleState): BundleEvent[] {
  parseVersion(command.version);
  const names = command.artifacts.map((a) => a.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw invalid(ArtifactErrorCodes.BUNDLE_MEMBER_DUPLICATE, `${duplicate} is pinned twice.`);
  const unknown = command.artifacts.filter((a) => a.sha256 === undefined);
  if (unknown.length > 0) {
    throw invalid(
      ArtifactErrorCodes.BUNDLE_MEMBER_UNKNOWN,
      `Not registered: ${unknown.map((a) => `${a.name}@${a.version}`).join(', ')}.`,
      { unknown: unknown.map(({ name, version }) => ({ name, version })) },
    );
  }
  const violations: { from: string; to: string; range: string; problem: string }[] = [];
  for (const c of command.constraints) {
    if (semver.validRange(c.range) === null) {
      throw invalid(ArtifactErrorCodes.BUNDLE_RANGE_INVALID, `"${c.range}" is not a SemVer range.`, { constraint: c });
    }
    const from = command.artifacts.find((a) => a.name === c.from);
    const to = command.artifacts.find((a) => a.name === c.to);
    if (!from) violations.push({ ...c, problem: `${c.from} is not in the bundle` });
    if (!to) violations.push({ ...c, problem: `${c.to} is not in the bundle` });
    else if (!semver.satisfies(to.version, c.range)) {
      violations.push({ ...c, problem: `${c.to}@${to.version} does not satisfy ${c.range}` });
    }
  }
  if (violations.length > 0) {
    throw invalid(
      ArtifactErrorCodes.BUNDLE_CONSTRAINT_UNSATISFIED,
      `Unsatisfied constraints: ${violations.map((v) => v.problem).join('; ')}.`,
      { violations },
    );
  }
  const artifacts = command.artifacts.map((a) => ({
    name: a.name,
    version: a.version,
    sha256: a.sha256 as string,
    ...(a.repository ? { repository: a.repository } : {}),
  }));
  if (state.exists) {
    // A bundle is immutable: the same pins again are a no-op, other pins under the same version are refused.
    if (fingerprint(state.data.artifacts, state.data.constraints) === fingerprint(artifacts, command.constraints)) {
      return [];
    }
    throw ruleViolated(
      ArtifactErrorCodes.BUNDLE_EXISTS,
      `Bundle ${state.data.name}@${state.data.version} already exists with other pins; bundles are immutable.`,
    );
  }
  return [
    {
      type: 'BundleCreated',
      data: {
        bundleId: command.bundleId,
        name: command.name,
        version: command.version,
        artifacts,
        constraints: command.constraints,
      },
    },
  ];
}

/** The bundle decider (A4): one command, creation, validated against its inter-service constraints. */
export const bundleDecider: Decider<CreateBundle, BundleEvent, BundleState> = {
  initialState: { exists: false },
  evolve: (_state, event) => ({ exists: true, data: event.data }),
  decide: create,
};
