import { ArtifactErrorCodes, invalid } from '@railyard/contracts';
// semver (npm's own parser) implements SemVer 2.0 exactly — precedence, prerelease and build metadata — so no
// hand-written regex decides what a version is. It is pure, which keeps the domain pure.
import semver from 'semver';

/** The naming convention: a pattern per artifact kind (configurable, see config.ts). */
export type NamingConventions = Readonly<Record<string, RegExp>>;

/** A version as the registry understands it. */
export interface ParsedVersion {
  /** The version as published, build metadata included (`1.4.0+build.7`). */
  version: string;
  /** The identity of the version: SemVer precedence ignores build metadata, so `1.4.0+a` and `1.4.0+b` are one. */
  core: string;
  buildMetadata?: string;
  stability: 'release' | 'snapshot';
}

/** Refuses a name that does not follow its kind's pattern, or an unknown kind, with the reason. */
export function checkName(conventions: NamingConventions, kind: string, name: string): void {
  const pattern = conventions[kind];
  if (!pattern) {
    throw invalid(ArtifactErrorCodes.KIND_UNKNOWN, `Unknown artifact kind "${kind}".`, {
      knownKinds: Object.keys(conventions),
    });
  }
  if (!pattern.test(name)) {
    throw invalid(ArtifactErrorCodes.NAME_INVALID, `"${name}" does not follow the naming convention of ${kind}s.`, {
      kind,
      pattern: pattern.source,
    });
  }
}

/** Parses a SemVer 2.0 version in its canonical form (no `v` prefix, no leading zeros), or refuses it. */
export function parseVersion(version: string): ParsedVersion {
  const parsed = semver.parse(version);
  // Canonical form only: semver tolerates a `v` prefix and spaces, which would give one version two spellings.
  const canonical = parsed && `${parsed.version}${parsed.build.length > 0 ? `+${parsed.build.join('.')}` : ''}`;
  if (!parsed || canonical !== version) {
    throw invalid(ArtifactErrorCodes.VERSION_INVALID, `"${version}" is not a SemVer 2.0 version (e.g. 1.4.0-rc.1+b7).`);
  }
  const buildMetadata = parsed.build.length > 0 ? parsed.build.join('.') : undefined;
  return {
    version,
    core: parsed.version,
    ...(buildMetadata ? { buildMetadata } : {}),
    stability: parsed.prerelease.length > 0 ? 'snapshot' : 'release',
  };
}
