import { z } from 'zod';
import { defineEvent } from '../envelope.js';

export const DependencyKind = z.enum(['backend', 'frontend', 'third-party']);
export const DependencyStatus = z.enum(['open', 'ready', 'blocked']);
/** A node of a release's dependency graph: a team or one of its services. */
export const DependencyNode = z.strictObject({
  team: z.string().min(1).max(100),
  service: z.string().min(1).max(100).optional(),
});
export type DependencyNode = z.infer<typeof DependencyNode>;

export const DependencyDeclared = defineEvent(
  'DependencyDeclared',
  z.strictObject({
    releaseId: z.uuid(),
    dependencyId: z.uuid(),
    from: DependencyNode,
    to: DependencyNode,
    kind: DependencyKind,
    owner: z.string().min(1).max(200),
    blocking: z.boolean(),
    status: DependencyStatus,
    declaredBy: z.string().min(1).max(200),
  }),
  'An edge of the release dependency graph: `from` needs `to` (kind, owner, whether it blocks the freeze). Starts open.',
);

export const DependencyStatusChanged = defineEvent(
  'DependencyStatusChanged',
  z.strictObject({
    releaseId: z.uuid(),
    dependencyId: z.uuid(),
    status: DependencyStatus,
    note: z.string().max(1000).optional(),
    changedBy: z.string().min(1).max(200),
  }),
  'A dependency became open, ready or blocked.',
);

export const dependencyEvents = { DependencyDeclared, DependencyStatusChanged } as const;
