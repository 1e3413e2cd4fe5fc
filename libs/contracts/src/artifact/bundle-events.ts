import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { Sha256Hex } from './artifact-events.js';

export const BundleCreated = defineEvent(
  'BundleCreated',
  z.strictObject({
    bundleId: z.uuid(),
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(256).describe('The composite SemVer version of the bundle.'),
    artifacts: z.array(
      z.strictObject({
        name: z.string(),
        version: z.string(),
        sha256: Sha256Hex,
        repository: z.string().optional(),
      }),
    ),
    constraints: z.array(
      z.strictObject({
        from: z.string().describe('The dependent artifact (e.g. the web front end).'),
        to: z.string().describe('The artifact it depends on (e.g. the API).'),
        range: z.string().describe('The SemVer range the pinned version of `to` satisfies.'),
      }),
    ),
  }),
  'A composite version pinning artifacts across repositories; its constraints were satisfied when created. Immutable.',
);

/** The bundle aggregate's event catalogue (stream `bundle-<id>`). */
export const bundleEvents = { BundleCreated } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type BundleEvent = {
  [K in keyof typeof bundleEvents]: { type: K; data: DataOf<(typeof bundleEvents)[K]> };
}[keyof typeof bundleEvents];
