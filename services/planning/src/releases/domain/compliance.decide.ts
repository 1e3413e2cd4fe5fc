import { invalid, notFound, PlanningErrorCodes, type ReleaseEvent, ruleViolated } from '@railyard/contracts';
import type { PlannedRelease, ReleaseState, Requirement } from './release.js';
import { type Issued, OPEN_STATES, PRE_FREEZE, planned, requireStatus } from './release-rules.js';

export type AttachRequirement = Issued & {
  type: 'AttachRequirement';
  requirementId: string;
  control: Requirement['control'];
  name: string;
  region?: string;
  mandatory: boolean;
};
export type SubmitEvidence = Issued & {
  type: 'SubmitEvidence';
  requirementId: string;
  evidenceId: string;
  link: string;
  digest: string;
};
export type ReviewEvidence = Issued & {
  type: 'ReviewEvidence';
  requirementId: string;
  evidenceId: string;
  verdict: 'accepted' | 'rejected';
  note?: string;
};
export type ComplianceCommand = AttachRequirement | SubmitEvidence | ReviewEvidence;

/** Requirements are attached early (P5): before the freeze, so the scope is planned with them in view. */
export function attachRequirement(command: AttachRequirement, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, PRE_FREEZE, 'take new compliance requirements');
  if (command.control === 'data-residency' && !command.region) {
    throw invalid(PlanningErrorCodes.COMPLIANCE_REGION_REQUIRED, 'A data-residency requirement names its region.');
  }
  if (release.requirements.some((r) => r.name.toLowerCase() === command.name.toLowerCase())) {
    throw ruleViolated(PlanningErrorCodes.COMPLIANCE_REQUIREMENT_DUPLICATE, `Requirement "${command.name}" exists.`);
  }
  const { requirementId, control, name, region, mandatory } = command;
  return [
    {
      type: 'ComplianceRequirementAttached',
      data: {
        releaseId: release.id,
        requirementId,
        control,
        name,
        ...(region ? { region } : {}),
        mandatory,
        attachedBy: command.actor.id,
      },
    },
  ];
}

function requirement(release: PlannedRelease, id: string): Requirement {
  const found = release.requirements.find((r) => r.id === id);
  if (!found) throw notFound(PlanningErrorCodes.COMPLIANCE_REQUIREMENT_NOT_FOUND, `No requirement ${id}.`);
  return found;
}

export function submitEvidence(command: SubmitEvidence, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, OPEN_STATES, 'take evidence');
  requirement(release, command.requirementId);
  const { requirementId, evidenceId, link, digest } = command;
  return [
    {
      type: 'ComplianceEvidenceSubmitted',
      data: { releaseId: release.id, requirementId, evidenceId, link, digest, submitter: command.actor.id },
    },
  ];
}

/** A reviewer accepts or rejects evidence once; never their own (separation of duties). */
export function reviewEvidence(command: ReviewEvidence, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, OPEN_STATES, 'review evidence');
  const evidence = requirement(release, command.requirementId).evidence.find((e) => e.id === command.evidenceId);
  if (!evidence) throw notFound(PlanningErrorCodes.COMPLIANCE_EVIDENCE_NOT_FOUND, `No evidence ${command.evidenceId}.`);
  if (evidence.verdict) {
    throw ruleViolated(
      PlanningErrorCodes.COMPLIANCE_EVIDENCE_REVIEWED,
      `The evidence was already ${evidence.verdict}.`,
    );
  }
  if (evidence.submitter === command.actor.id) {
    throw ruleViolated(PlanningErrorCodes.COMPLIANCE_SELF_REVIEW, 'Whoever submitted evidence cannot review it.');
  }
  const { requirementId, evidenceId, verdict, note } = command;
  return [
    {
      type: 'ComplianceEvidenceReviewed',
      data: {
        releaseId: release.id,
        requirementId,
        evidenceId,
        verdict,
        ...(note ? { note } : {}),
        reviewer: command.actor.id,
      },
    },
  ];
}

/** Mandatory requirements without accepted evidence: CAB approval is refused while any remain (P5). */
export function unmetRequirements(release: PlannedRelease): Requirement[] {
  return release.requirements.filter((r) => r.mandatory && !r.evidence.some((e) => e.verdict === 'accepted'));
}

export const complianceUnmet = (unmet: Requirement[]) =>
  ruleViolated(
    PlanningErrorCodes.COMPLIANCE_UNMET,
    `Mandatory compliance requirement(s) lack accepted evidence: ${unmet.map((r) => r.name).join(', ')}.`,
    { requirementIds: unmet.map((r) => r.id) },
  );
