import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { BundleState } from './domain/bundle.decide.js';

export const BundleView = schemaComponent(
  'Bundle',
  z.object({
    id: z.uuid(),
    name: z.string(),
    version: z.string(),
    artifacts: z.array(
      z.object({ name: z.string(), version: z.string(), sha256: z.string(), repository: z.string().nullable() }),
    ),
    constraints: z.array(z.object({ from: z.string(), to: z.string(), range: z.string() })),
  }),
);

export function bundleView(state: BundleState): z.infer<typeof BundleView> {
  if (!state.exists) throw new TypeError('bundleView needs a created bundle');
  const d = state.data;
  return {
    id: d.bundleId,
    name: d.name,
    version: d.version,
    artifacts: d.artifacts.map((a) => ({ ...a, repository: a.repository ?? null })),
    constraints: d.constraints,
  };
}

export const BundleParams = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'lowercase words joined by dashes')
    .max(100),
  version: z.string().min(1).max(256),
});
