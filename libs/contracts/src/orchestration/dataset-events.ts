import { z } from 'zod';
import { Sha256Hex } from '../artifact/artifact-events.js';
import { defineEvent } from '../envelope.js';
import { DataClassification, DatasetName } from './names.js';

export const DatasetRegistered = defineEvent(
  'DatasetRegistered',
  z.strictObject({
    name: DatasetName,
    classification: DataClassification,
    productionDerived: z.boolean(),
    registeredBy: z.string().min(1).max(200),
  }),
  'A dataset with its classification, and whether it was derived from production data.',
);

export const MaskingAttestationRecorded = defineEvent(
  'MaskingAttestationRecorded',
  z.strictObject({
    name: DatasetName,
    attestationId: z.uuid(),
    tool: z.string().min(1).max(200),
    ruleSetVersion: z.string().min(1).max(100),
    maskedOutputSha256: Sha256Hex,
    attestedAt: z.iso.datetime({ offset: true }),
    expiresAt: z.iso.datetime({ offset: true }),
    attestedBy: z.string().min(1).max(200),
  }),
  'The masking of a dataset was attested: tool, rule-set version and sha256 of the masked output, valid until expiresAt.',
);

/** The dataset aggregate's catalogue (`dataset-<name>`). */
export const datasetEvents = { DatasetRegistered, MaskingAttestationRecorded } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type DatasetEvent = {
  [K in keyof typeof datasetEvents]: { type: K; data: DataOf<(typeof datasetEvents)[K]> };
}[keyof typeof datasetEvents];
