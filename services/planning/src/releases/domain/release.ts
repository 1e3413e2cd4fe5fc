import type { ReleaseEvent, ScopeItemKind } from '@railyard/contracts';

/** Where a release stands. The thin slice knows draft → scoped → frozen; later states come with CAB review. */
export type ReleaseStatus = 'draft' | 'scoped' | 'frozen';

export interface ScopeItem {
  id: string;
  title: string;
  team: string;
  kind: ScopeItemKind;
  roadmapRef?: string;
  author: string;
}

export interface PlannedRelease {
  exists: true;
  id: string;
  name: string;
  targetDate: string;
  trainId?: string;
  owner: string;
  status: ReleaseStatus;
  scope: ScopeItem[];
  frozenAt?: string;
}

export type ReleaseState = { exists: false } | PlannedRelease;

export const initialReleaseState: ReleaseState = { exists: false };

/** Folds one release event into the state. Pure and total: every event type of the stream is handled. */
export function evolveRelease(state: ReleaseState, event: ReleaseEvent): ReleaseState {
  switch (event.type) {
    case 'ReleasePlanned': {
      const { releaseId, name, targetDate, trainId, owner } = event.data;
      return { exists: true, id: releaseId, name, targetDate, trainId, owner, status: 'draft', scope: [] };
    }
    case 'ScopeItemAdded': {
      if (!state.exists) return state;
      const { itemId, title, team, kind, roadmapRef, author } = event.data;
      return {
        ...state,
        status: 'scoped',
        scope: [...state.scope, { id: itemId, title, team, kind, roadmapRef, author }],
      };
    }
    case 'ScopeItemRemoved': {
      if (!state.exists) return state;
      const scope = state.scope.filter((item) => item.id !== event.data.itemId);
      return { ...state, scope, status: scope.length === 0 ? 'draft' : 'scoped' };
    }
    case 'ReleaseFrozen':
      if (!state.exists) return state;
      return { ...state, status: 'frozen', frozenAt: event.data.frozenAt };
  }
}
