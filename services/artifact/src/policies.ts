import type { StagePolicy } from './artifacts/domain/gates.js';
import type { NamingConventions } from './artifacts/domain/naming.js';
import type { LicensePolicy } from './quality/license-policy.js';
import type { RetentionPolicy } from './retention/domain/retention.js';

/** The policies the service runs under, from configuration; each route receives only the ones it reads. */
export interface ArtifactPolicies {
  naming: NamingConventions;
  stages: Record<string, StagePolicy>;
  licenses: LicensePolicy;
  retention: RetentionPolicy;
  maxUploadBytes: number;
  /** Kinds whose artifacts may be empty (0 bytes); for any other kind an empty upload is a mistake (422). */
  emptyContentKinds?: readonly string[];
}
