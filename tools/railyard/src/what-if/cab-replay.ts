import { type Actor, DomainError, type EventCatalogue, type RiskPolicyRules, releaseEvents } from '@railyard/contracts';
import type { DomainEvent, EventStore, RecordedEvent } from '@railyard/eventstore';
import { releaseDecider } from '@railyard/planning/aggregates';
import { eventsBetween, verifiedHistory } from './history.js';

type State = typeof releaseDecider.initialState;
type ReleaseEvent = Parameters<typeof releaseDecider.evolve>[1];

interface Risk {
  score: number;
  level: string;
  quorum: number;
  factors: {
    factor: string;
    measure: number;
    weight: number;
    contribution: number;
    overdueDrills?: { service: string; dueAt: string }[];
  }[];
}

/** How a CAB round ended, or would have. */
export type CabOutcome =
  | { decision: 'approved' | 'rejected'; afterVotes: number }
  | { decision: 'open'; approvals: number; quorum: number }
  | { decision: 'refused'; reason: string };

/** One past CAB submission re-decided under the proposed policy. */
export interface CabReplay {
  streamId: string;
  round: number;
  submittedAt: string;
  submittedBy: string;
  policy: { id: string; version: number };
  recorded: { risk: Omit<Risk, 'factors'>; outcome: CabOutcome };
  proposed: { risk: Omit<Risk, 'factors'>; outcome: CabOutcome };
  changed: boolean;
  /** Why, in words: the factors whose contribution moved, and the outcome. */
  why: string[];
}

const catalogue = releaseEvents as unknown as EventCatalogue;
const asEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as ReleaseEvent;
const actorOf = (e: RecordedEvent): Actor => e.metadata.actor;
const round = (e: { data: unknown }) => (e.data as { round: number }).round;

/**
 * Re-decides every CAB submission recorded between `from` and `to` under `rules`, with planning's own release decider:
 * the release folded to just before the submission, SubmitForCab decided with the proposed rules, then each recorded
 * vote of that round cast again, in order, until the decider decides the round. Nothing is appended.
 */
export async function replayCabSubmissions(
  store: EventStore,
  rules: RiskPolicyRules,
  window: { from: Date; to: Date; policyId?: string },
): Promise<{ replays: CabReplay[]; broken: string[] }> {
  const submissions = await eventsBetween(
    store,
    { categories: ['release'], eventTypes: ['CabReviewRequested'] },
    window.from,
    window.to,
  );
  const replays: CabReplay[] = [];
  const broken: string[] = [];
  const histories = new Map<string, Awaited<ReturnType<typeof verifiedHistory>>>();
  for (const submission of submissions) {
    const data = submission.data as unknown as Risk & {
      round: number;
      submittedBy: string;
      policyId: string;
      policyVersion: number;
    };
    if (window.policyId && data.policyId !== window.policyId) continue;
    let history = histories.get(submission.streamId);
    if (!history) {
      history = await verifiedHistory(store, submission.streamId, catalogue);
      histories.set(submission.streamId, history);
      if (history.broken) broken.push(`${submission.streamId}: ${history.broken}`);
    }
    const at = history.events.findIndex((e) => e.id === submission.id);
    // A submission past a break is not replayed: its history cannot be trusted.
    if (at < 0) continue;
    replays.push(replayOne(history.events, at, rules, data));
  }
  return { replays, broken };
}

function replayOne(
  events: RecordedEvent[],
  at: number,
  rules: RiskPolicyRules,
  recorded: Risk & { round: number; submittedBy: string; policyId: string; policyVersion: number },
): CabReplay {
  const submission = events[at] as RecordedEvent;
  let before: State = releaseDecider.initialState;
  for (const e of events.slice(0, at)) before = releaseDecider.evolve(before, asEvent(e));
  const later = events.slice(at + 1);
  const recordedOutcome = outcomeOf(later, recorded.round, recorded.quorum);
  const base = {
    streamId: submission.streamId,
    round: recorded.round,
    submittedAt: submission.createdAt.toISOString(),
    submittedBy: recorded.submittedBy,
    policy: { id: recorded.policyId, version: recorded.policyVersion },
    recorded: { risk: summary(recorded), outcome: recordedOutcome },
  };
  let proposedEvents: DomainEvent[];
  try {
    proposedEvents = releaseDecider.decide(
      {
        type: 'SubmitForCab',
        actor: actorOf(submission),
        at: new Date(submission.metadata.occurredAt),
        // Version 0: the proposal, which no published version carries.
        policy: { policyId: recorded.policyId, version: 0, rules },
        // Overdue drills came from governance, not the release: replay the ones the submission recorded (none when
        // its policy did not weigh them, so a proposal adding the factor cannot know them).
        overdueDrills: recorded.factors.find((f) => f.factor === 'overdueRollbackDrills')?.overdueDrills ?? [],
      },
      before,
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const outcome: CabOutcome = { decision: 'refused', reason: error.message };
    return { ...base, proposed: { risk: summary(recorded), outcome }, changed: true, why: [error.message] };
  }
  const proposedRisk = (proposedEvents[0] as { data: Risk }).data;
  let state = before;
  for (const e of proposedEvents) state = releaseDecider.evolve(state, e as ReleaseEvent);
  const proposedOutcome = revote(state, later, recorded.round, proposedRisk.quorum);
  const why = factorChanges(recorded.factors, proposedRisk.factors);
  const riskChanged =
    proposedRisk.score !== recorded.score ||
    proposedRisk.level !== recorded.level ||
    proposedRisk.quorum !== recorded.quorum;
  const outcomeChanged = describe(proposedOutcome) !== describe(recordedOutcome);
  if (outcomeChanged) why.push(`decision: ${describe(recordedOutcome)} → ${describe(proposedOutcome)}`);
  return {
    ...base,
    proposed: { risk: summary(proposedRisk), outcome: proposedOutcome },
    changed: riskChanged || outcomeChanged,
    why,
  };
}

/** The round's recorded end: its CabDecisionRecorded, or still open when the history ends or the next round starts. */
function outcomeOf(later: RecordedEvent[], r: number, quorum: number): CabOutcome {
  let votes = 0;
  let approvals = 0;
  for (const e of later) {
    if (e.type === 'CabReviewRequested') break;
    if (e.type === 'CabVoteCast' && round(e) === r) {
      votes++;
      if ((e.data as { vote: string }).vote !== 'reject') approvals++;
    }
    if (e.type === 'CabDecisionRecorded' && round(e) === r) {
      return { decision: (e.data as { decision: 'approved' | 'rejected' }).decision, afterVotes: votes };
    }
  }
  return { decision: 'open', approvals, quorum };
}

/**
 * The recorded votes of the round cast again through the decider, on a release whose round carries the proposed
 * quorum; everything else that happened meanwhile (evidence, criteria) is folded as recorded, since the gates of an
 * approval read it.
 */
function revote(start: State, later: RecordedEvent[], r: number, quorum: number): CabOutcome {
  let state = start;
  let votes = 0;
  let approvals = 0;
  for (const e of later) {
    if (e.type === 'CabReviewRequested') break;
    if (e.type === 'CabDecisionRecorded' && round(e) === r) continue;
    if (e.type !== 'CabVoteCast' || round(e) !== r) {
      state = releaseDecider.evolve(state, asEvent(e));
      continue;
    }
    const vote = e.data as {
      vote: 'approve' | 'approve-with-conditions' | 'reject';
      reason?: string;
      conditions?: string[];
    };
    votes++;
    if (vote.vote !== 'reject') approvals++;
    let decided: DomainEvent[];
    try {
      decided = releaseDecider.decide(
        { type: 'CastCabVote', actor: actorOf(e), at: new Date(e.metadata.occurredAt), ...vote },
        state,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { decision: 'refused', reason: `vote ${votes} refused: ${error.message}` };
    }
    for (const d of decided) state = releaseDecider.evolve(state, d as ReleaseEvent);
    const decision = decided.find((d) => d.type === 'CabDecisionRecorded');
    if (decision) {
      return { decision: (decision.data as { decision: 'approved' | 'rejected' }).decision, afterVotes: votes };
    }
  }
  return { decision: 'open', approvals, quorum };
}

const summary = (r: Risk) => ({ score: r.score, level: r.level, quorum: r.quorum });

/** An outcome in words, for the report and for comparing two outcomes. */
export function describe(o: CabOutcome): string {
  switch (o.decision) {
    case 'approved':
    case 'rejected':
      return `${o.decision} after ${o.afterVotes} vote${o.afterVotes === 1 ? '' : 's'}`;
    case 'open':
      return `still open (${o.approvals} of ${o.quorum} approvals)`;
    case 'refused':
      return `refused: ${o.reason}`;
  }
}

function factorChanges(recorded: Risk['factors'], proposed: Risk['factors']): string[] {
  const show = (f?: Risk['factors'][number]) => (f ? `${f.weight}×${f.measure} = ${f.contribution}` : 'not scored');
  const names = [...new Set([...recorded.map((f) => f.factor), ...proposed.map((f) => f.factor)])];
  return names.flatMap((name) => {
    const a = recorded.find((f) => f.factor === name);
    const b = proposed.find((f) => f.factor === name);
    return a?.contribution === b?.contribution && a?.weight === b?.weight ? [] : [`${name}: ${show(a)} → ${show(b)}`];
  });
}
