import {
  ComplianceControl,
  Criticality,
  DependencyKind,
  DependencyNode,
  DependencyStatus,
  ExceptionChange,
  RiskContribution,
  RiskLevel,
  RollbackThresholds,
  ScopeItemKind,
} from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { ReleaseState } from './domain/release.js';

export const ReleaseStatusSchema = z.enum([
  'draft',
  'scoped',
  'frozen',
  'cab-approved',
  'deploying',
  'released',
  'rolled-back',
  'cancelled',
]);

const CabView = z.object({
  round: z.number().int(),
  submittedBy: z.string(),
  policyId: z.uuid(),
  policyVersion: z.number().int(),
  score: z.number(),
  level: RiskLevel,
  quorum: z.number().int(),
  factors: z.array(RiskContribution),
  votes: z.array(
    z.object({
      voter: z.string(),
      vote: z.string(),
      reason: z.string().nullable(),
      conditions: z.array(z.string()),
    }),
  ),
  decision: z.enum(['approved', 'rejected']).nullable(),
});

/** The release as the API shows it (GET /releases/:id and command responses). */
export const ReleaseView = schemaComponent(
  'Release',
  z.object({
    id: z.uuid(),
    name: z.string(),
    targetDate: z.string(),
    trainId: z.uuid().nullable(),
    slot: z.object({ trainId: z.uuid(), slotDate: z.string(), shipsAt: z.string() }).nullable(),
    owner: z.string(),
    status: ReleaseStatusSchema,
    freezeCutoff: z.string().nullable(),
    frozenAt: z.string().nullable(),
    scopeItems: z.array(
      z.object({
        id: z.uuid(),
        title: z.string(),
        team: z.string(),
        kind: ScopeItemKind,
        roadmapRef: z.string().nullable(),
        service: z.string().nullable(),
        criticality: Criticality.nullable(),
        author: z.string(),
        state: z.enum(['proposed', 'accepted', 'deferred']),
        decidedBy: z.string().nullable(),
      }),
    ),
    dependencies: z.array(
      z.object({
        id: z.uuid(),
        from: DependencyNode,
        to: DependencyNode,
        kind: DependencyKind,
        owner: z.string(),
        blocking: z.boolean(),
        status: DependencyStatus,
      }),
    ),
    compliance: z.array(
      z.object({
        id: z.uuid(),
        control: ComplianceControl,
        name: z.string(),
        region: z.string().nullable(),
        mandatory: z.boolean(),
        met: z.boolean(),
        evidence: z.array(
          z.object({
            id: z.uuid(),
            link: z.string(),
            digest: z.string(),
            submitter: z.string(),
            verdict: z.enum(['accepted', 'rejected']).nullable(),
            reviewer: z.string().nullable(),
          }),
        ),
      }),
    ),
    rollbackCriteria: z.array(z.object({ service: z.string(), criteria: RollbackThresholds, publishedBy: z.string() })),
    freezeExceptions: z.array(
      z.object({
        id: z.uuid(),
        change: ExceptionChange,
        justification: z.string(),
        requestedBy: z.string(),
        status: z.enum(['requested', 'approved', 'denied', 'used']),
        decidedBy: z.string().nullable(),
      }),
    ),
    cab: CabView.nullable(),
    conditions: z.array(
      z.object({ id: z.string(), text: z.string(), setBy: z.string(), acknowledgedBy: z.string().nullable() }),
    ),
    revision: z.number().int().describe('The stream revision; also sent as the ETag.'),
  }),
);
export type ReleaseView = z.infer<typeof ReleaseView>;

export const ReleaseIdParams = z.strictObject({ id: z.uuid() });

const orNull = <T>(v: T | undefined): T | null => v ?? null;

/** Maps a folded release to its view. Only called for a release that exists. */
export function releaseView(state: ReleaseState, revision: bigint): ReleaseView {
  if (!state.exists) throw new TypeError('releaseView needs a planned release');
  return {
    id: state.id,
    name: state.name,
    targetDate: state.targetDate,
    trainId: orNull(state.trainId),
    slot: orNull(state.slot),
    owner: state.owner,
    status: state.status,
    freezeCutoff: orNull(state.freezeCutoff),
    frozenAt: orNull(state.frozenAt),
    scopeItems: state.scope.map((i) => ({
      id: i.id,
      title: i.title,
      team: i.team,
      kind: i.kind,
      roadmapRef: orNull(i.roadmapRef),
      service: orNull(i.service),
      criticality: orNull(i.criticality),
      author: i.author,
      state: i.state,
      decidedBy: orNull(i.decidedBy),
    })),
    dependencies: state.dependencies,
    compliance: state.requirements.map((r) => ({
      id: r.id,
      control: r.control,
      name: r.name,
      region: orNull(r.region),
      mandatory: r.mandatory,
      met: r.evidence.some((e) => e.verdict === 'accepted'),
      evidence: r.evidence.map((e) => ({ ...e, verdict: orNull(e.verdict), reviewer: orNull(e.reviewer) })),
    })),
    rollbackCriteria: state.rollbackCriteria,
    freezeExceptions: state.exceptions.map((x) => ({ ...x, decidedBy: orNull(x.decidedBy) })),
    cab: state.cab
      ? {
          ...state.cab,
          votes: state.cab.votes.map((v) => ({ ...v, reason: orNull(v.reason), conditions: v.conditions ?? [] })),
          decision: orNull(state.cab.decision),
        }
      : null,
    conditions: state.conditions.map((c) => ({ ...c, acknowledgedBy: orNull(c.acknowledgedBy) })),
    revision: Number(revision),
  };
}
