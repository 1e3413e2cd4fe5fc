import { ScopeItemKind } from '@railyard/contracts';
import { z } from 'zod';
import type { ReleaseState } from './domain/release.js';

/** The release as the API shows it (GET /releases/:id and command responses). */
export const ReleaseView = z.object({
  id: z.uuid(),
  name: z.string(),
  targetDate: z.string(),
  trainId: z.uuid().nullable(),
  owner: z.string(),
  status: z.enum(['draft', 'scoped', 'frozen']),
  frozenAt: z.string().nullable(),
  scopeItems: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      team: z.string(),
      kind: ScopeItemKind,
      roadmapRef: z.string().nullable(),
      author: z.string(),
    }),
  ),
  revision: z.number().int().describe('The stream revision; also sent as the ETag.'),
});
export type ReleaseView = z.infer<typeof ReleaseView>;

export const ReleaseIdParams = z.strictObject({ id: z.uuid() });

/** Maps a folded release to its view. Only called for a release that exists. */
export function releaseView(state: ReleaseState, revision: bigint): ReleaseView {
  if (!state.exists) throw new TypeError('releaseView needs a planned release');
  return {
    id: state.id,
    name: state.name,
    targetDate: state.targetDate,
    trainId: state.trainId ?? null,
    owner: state.owner,
    status: state.status,
    frozenAt: state.frozenAt ?? null,
    scopeItems: state.scope.map((i) => ({ ...i, roadmapRef: i.roadmapRef ?? null })),
    revision: Number(revision),
  };
}
