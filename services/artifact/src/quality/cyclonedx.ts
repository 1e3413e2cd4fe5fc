import { ArtifactErrorCodes, invalid } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

/**
 * The part of a CycloneDX SBOM (JSON, spec 1.2–1.6) we read: components and their licenses. An SBOM is a foreign
 * document with many more fields, so unknown keys are tolerated here (and only here).
 */
const LicenseChoice = z.union([
  z.looseObject({ expression: z.string().min(1) }),
  z.looseObject({ license: z.looseObject({ id: z.string().optional(), name: z.string().optional() }) }),
]);
// Registered by id: the schema is recursive, and the OpenAPI document can only refer to it as a named component.
const Component = schemaComponent(
  'CycloneDxComponent',
  z.looseObject({
    name: z.string().min(1),
    version: z.string().optional(),
    licenses: z.array(LicenseChoice).optional(),
    get components() {
      return z.array(Component).optional();
    },
  }),
);
export const CycloneDxSbom = z
  .looseObject({
    bomFormat: z.literal('CycloneDX'),
    specVersion: z.string(),
    components: z.array(Component).max(50_000).default([]),
  })
  .describe('A CycloneDX SBOM (JSON); components[].licenses are read.');
export type CycloneDxSbom = z.infer<typeof CycloneDxSbom>;

type ComponentT = z.infer<typeof Component>;

/**
 * One license expression per component: an `expression` as given, several `license` entries joined with AND (the
 * component is under all of them). A component with no license is reported as `NOASSERTION`, as SPDX does.
 */
export function licensesOfSbom(sbom: CycloneDxSbom): { name: string; version?: string; license: string }[] {
  const out: { name: string; version?: string; license: string }[] = [];
  const visit = (components: readonly ComponentT[]) => {
    for (const c of components) {
      const parts = (c.licenses ?? []).map((l) =>
        'expression' in l
          ? `(${l.expression})`
          : (l.license.id ?? `LicenseRef-${(l.license.name ?? 'unnamed').replace(/[^A-Za-z0-9.-]/g, '-')}`),
      );
      const license =
        parts.length === 0
          ? 'NOASSERTION'
          : parts.length === 1
            ? parts[0]!.replace(/^\((.*)\)$/, '$1')
            : parts.join(' AND ');
      out.push({ name: c.name, ...(c.version ? { version: c.version } : {}), license });
      if (c.components) visit(c.components);
    }
  };
  visit(sbom.components);
  if (out.length === 0) throw invalid(ArtifactErrorCodes.SBOM_INVALID, 'The SBOM lists no components.');
  return out;
}
