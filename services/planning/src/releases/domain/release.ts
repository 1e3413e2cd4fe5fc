import type {
  Criticality,
  DependencyNode,
  ExceptionChange,
  ReleaseEvent,
  ReleaseEventData,
  RiskLevel,
  RollbackThresholds,
  ScopeItemKind,
} from '@railyard/contracts';

/**
 * Where a release stands (P1): draft → scoped → frozen → cab-approved → deploying → released | rolled-back, and
 * cancelled from any state before deploying. A CAB review runs while the release is frozen.
 */
export type ReleaseStatus =
  | 'draft'
  | 'scoped'
  | 'frozen'
  | 'cab-approved'
  | 'deploying'
  | 'released'
  | 'rolled-back'
  | 'cancelled';

export interface ScopeItem {
  id: string;
  title: string;
  team: string;
  kind: ScopeItemKind;
  roadmapRef?: string;
  service?: string;
  criticality?: Criticality;
  author: string;
  /** The negotiation: proposed by its author, then accepted or deferred by a product owner. */
  state: 'proposed' | 'accepted' | 'deferred';
  decidedBy?: string;
  deferralReason?: string;
}

export interface Dependency {
  id: string;
  from: DependencyNode;
  to: DependencyNode;
  kind: 'backend' | 'frontend' | 'third-party';
  owner: string;
  blocking: boolean;
  status: 'open' | 'ready' | 'blocked';
}

export interface Evidence {
  id: string;
  link: string;
  digest: string;
  submitter: string;
  verdict?: 'accepted' | 'rejected';
  reviewer?: string;
}

export interface Requirement {
  id: string;
  control: 'audit-trail' | 'data-residency' | 'named-control';
  name: string;
  region?: string;
  mandatory: boolean;
  evidence: Evidence[];
}

export interface FreezeException {
  id: string;
  change: ExceptionChange;
  justification: string;
  requestedBy: string;
  status: 'requested' | 'approved' | 'denied' | 'used';
  decidedBy?: string;
}

export interface CabRound {
  round: number;
  submittedBy: string;
  policyId: string;
  policyVersion: number;
  score: number;
  level: RiskLevel;
  quorum: number;
  factors: ReleaseEventData<'CabReviewRequested'>['factors'];
  votes: {
    voter: string;
    vote: 'approve' | 'approve-with-conditions' | 'reject';
    reason?: string;
    conditions?: string[];
  }[];
  decision?: 'approved' | 'rejected';
}

export interface CabCondition {
  id: string;
  text: string;
  setBy: string;
  acknowledgedBy?: string;
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
  slot?: { trainId: string; slotDate: string; shipsAt: string };
  freezeCutoff?: string;
  frozenAt?: string;
  dependencies: Dependency[];
  requirements: Requirement[];
  rollbackCriteria: { service: string; criteria: RollbackThresholds; publishedBy: string }[];
  exceptions: FreezeException[];
  cab?: CabRound;
  conditions: CabCondition[];
}

export type ReleaseState = { exists: false } | PlannedRelease;

export const initialReleaseState: ReleaseState = { exists: false };

const hasAccepted = (scope: ScopeItem[]) => scope.some((i) => i.state === 'accepted');

/** draft ⇄ scoped follows whether any item is accepted; later states are not moved by scope negotiation. */
function withScope(state: PlannedRelease, scope: ScopeItem[]): PlannedRelease {
  if (state.status !== 'draft' && state.status !== 'scoped') return { ...state, scope };
  return { ...state, scope, status: hasAccepted(scope) ? 'scoped' : 'draft' };
}

const mapWhere = <T extends { id: string }>(list: T[], id: string, f: (t: T) => T) =>
  list.map((t) => (t.id === id ? f(t) : t));

function evolvePlanned(state: PlannedRelease, event: ReleaseEvent): PlannedRelease {
  switch (event.type) {
    case 'ReleasePlanned':
      return state;
    case 'ScopeItemAdded': {
      const { itemId, title, team, kind, roadmapRef, service, criticality, author } = event.data;
      const item: ScopeItem = {
        id: itemId,
        title,
        team,
        kind,
        roadmapRef,
        service,
        criticality,
        author,
        state: 'proposed',
      };
      return withScope(state, [...state.scope, item]);
    }
    case 'ScopeItemAccepted':
      return withScope(
        state,
        mapWhere(state.scope, event.data.itemId, (i) => ({
          ...i,
          state: 'accepted',
          decidedBy: event.data.acceptedBy,
        })),
      );
    case 'ScopeItemDeferred': {
      const { itemId, deferredBy, reason } = event.data;
      return withScope(
        state,
        mapWhere(state.scope, itemId, (i) => ({
          ...i,
          state: 'deferred',
          decidedBy: deferredBy,
          deferralReason: reason,
        })),
      );
    }
    case 'ScopeItemRemoved':
      return withScope(
        state,
        state.scope.filter((i) => i.id !== event.data.itemId),
      );
    case 'ReleaseAttachedToSlot': {
      const { trainId, slotDate, shipsAt, cutoffAt } = event.data;
      return { ...state, trainId, slot: { trainId, slotDate, shipsAt }, freezeCutoff: cutoffAt };
    }
    case 'FreezeCutoffSet':
      return { ...state, freezeCutoff: event.data.cutoffAt };
    case 'ReleaseFrozen': {
      // The freeze lists the scope it fixed. Streams from before scope negotiation existed froze items that were
      // never accepted explicitly: the freeze itself accepted them, so they count as accepted here.
      const fixed = new Set(event.data.scopeItemIds);
      const scope = state.scope.map((i) =>
        fixed.has(i.id) && i.state === 'proposed' ? { ...i, state: 'accepted' as const } : i,
      );
      return { ...state, scope, status: 'frozen', frozenAt: event.data.frozenAt };
    }
    case 'DependencyDeclared': {
      const { dependencyId, from, to, kind, owner, blocking, status } = event.data;
      return {
        ...state,
        dependencies: [...state.dependencies, { id: dependencyId, from, to, kind, owner, blocking, status }],
      };
    }
    case 'DependencyStatusChanged':
      return {
        ...state,
        dependencies: mapWhere(state.dependencies, event.data.dependencyId, (d) => ({
          ...d,
          status: event.data.status,
        })),
      };
    case 'ComplianceRequirementAttached': {
      const { requirementId, control, name, region, mandatory } = event.data;
      const requirement: Requirement = { id: requirementId, control, name, region, mandatory, evidence: [] };
      return { ...state, requirements: [...state.requirements, requirement] };
    }
    case 'ComplianceEvidenceSubmitted': {
      const { requirementId, evidenceId, link, digest, submitter } = event.data;
      return {
        ...state,
        requirements: mapWhere(state.requirements, requirementId, (r) => ({
          ...r,
          evidence: [...r.evidence, { id: evidenceId, link, digest, submitter }],
        })),
      };
    }
    case 'ComplianceEvidenceReviewed': {
      const { requirementId, evidenceId, verdict, reviewer } = event.data;
      return {
        ...state,
        requirements: mapWhere(state.requirements, requirementId, (r) => ({
          ...r,
          evidence: mapWhere(r.evidence, evidenceId, (e) => ({ ...e, verdict, reviewer })),
        })),
      };
    }
    case 'RollbackCriteriaPublished': {
      const { service, criteria, publishedBy } = event.data;
      const others = state.rollbackCriteria.filter((c) => c.service !== service);
      return { ...state, rollbackCriteria: [...others, { service, criteria, publishedBy }] };
    }
    case 'FreezeExceptionRequested': {
      const { exceptionId, change, justification, requestedBy } = event.data;
      const exception: FreezeException = { id: exceptionId, change, justification, requestedBy, status: 'requested' };
      return { ...state, exceptions: [...state.exceptions, exception] };
    }
    case 'FreezeExceptionDecided': {
      const { exceptionId, decision, decidedBy } = event.data;
      return {
        ...state,
        exceptions: mapWhere(state.exceptions, exceptionId, (x) => ({ ...x, status: decision, decidedBy })),
      };
    }
    case 'FreezeExceptionUsed': {
      const { exceptionId, itemId } = event.data;
      const exceptions = mapWhere(state.exceptions, exceptionId, (x) => ({ ...x, status: 'used' as const }));
      // An item added under an exception is in scope: the approved exception was its negotiation.
      const scope = itemId
        ? mapWhere(state.scope, itemId, (i) => (i.state === 'proposed' ? { ...i, state: 'accepted' as const } : i))
        : state.scope;
      return { ...withScope(state, scope), exceptions };
    }
    case 'CabReviewRequested': {
      const { round, submittedBy, policyId, policyVersion, score, level, quorum, factors } = event.data;
      return {
        ...state,
        cab: { round, submittedBy, policyId, policyVersion, score, level, quorum, factors, votes: [] },
      };
    }
    case 'CabVoteCast': {
      if (!state.cab) return state;
      const { voter, vote, reason, conditions } = event.data;
      return { ...state, cab: { ...state.cab, votes: [...state.cab.votes, { voter, vote, reason, conditions }] } };
    }
    case 'CabDecisionRecorded': {
      if (!state.cab) return state;
      const { decision, conditions } = event.data;
      const cab = { ...state.cab, decision };
      if (decision === 'rejected') return { ...state, cab };
      const added = conditions.map((c) => ({ id: c.conditionId, text: c.text, setBy: c.setBy }));
      return { ...state, cab, status: 'cab-approved', conditions: [...state.conditions, ...added] };
    }
    case 'CabConditionAcknowledged':
      return {
        ...state,
        conditions: mapWhere(state.conditions, event.data.conditionId, (c) => ({
          ...c,
          acknowledgedBy: event.data.acknowledgedBy,
        })),
      };
    case 'ReleaseDeploymentStarted':
      return { ...state, status: 'deploying' };
    case 'ReleaseReleased':
      return { ...state, status: 'released' };
    case 'ReleaseRolledBack':
      return { ...state, status: 'rolled-back' };
    case 'ReleaseCancelled':
      return { ...state, status: 'cancelled' };
  }
}

/** Folds one release event into the state. Pure and total: every event type of the stream is handled. */
export function evolveRelease(state: ReleaseState, event: ReleaseEvent): ReleaseState {
  if (event.type === 'ReleasePlanned') {
    const { releaseId, name, targetDate, trainId, owner } = event.data;
    return {
      exists: true,
      id: releaseId,
      name,
      targetDate,
      trainId,
      owner,
      status: 'draft',
      scope: [],
      dependencies: [],
      requirements: [],
      rollbackCriteria: [],
      exceptions: [],
      conditions: [],
    };
  }
  return state.exists ? evolvePlanned(state, event) : state;
}
