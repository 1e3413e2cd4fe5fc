import { z } from 'zod';
import { defineEvent } from '../envelope.js';

export const ComplianceControl = z.enum(['audit-trail', 'data-residency', 'named-control']);

export const ComplianceRequirementAttached = defineEvent(
  'ComplianceRequirementAttached',
  z.strictObject({
    releaseId: z.uuid(),
    requirementId: z.uuid(),
    control: ComplianceControl,
    name: z.string().min(1).max(200),
    region: z.string().min(1).max(64).optional().describe('For data-residency: where the data must stay.'),
    mandatory: z.boolean(),
    attachedBy: z.string().min(1).max(200),
  }),
  'A compliance requirement (audit trail, data residency with its region, or a named control) was attached.',
);

export const ComplianceEvidenceSubmitted = defineEvent(
  'ComplianceEvidenceSubmitted',
  z.strictObject({
    releaseId: z.uuid(),
    requirementId: z.uuid(),
    evidenceId: z.uuid(),
    link: z.url().max(2000),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    submitter: z.string().min(1).max(200),
  }),
  'Evidence for a requirement: where it is, its sha256 digest, who submitted it.',
);

export const ComplianceEvidenceReviewed = defineEvent(
  'ComplianceEvidenceReviewed',
  z.strictObject({
    releaseId: z.uuid(),
    requirementId: z.uuid(),
    evidenceId: z.uuid(),
    verdict: z.enum(['accepted', 'rejected']),
    note: z.string().max(1000).optional(),
    reviewer: z.string().min(1).max(200),
  }),
  'A reviewer (never the submitter) accepted or rejected a piece of evidence.',
);

export const complianceEvents = {
  ComplianceRequirementAttached,
  ComplianceEvidenceSubmitted,
  ComplianceEvidenceReviewed,
} as const;
