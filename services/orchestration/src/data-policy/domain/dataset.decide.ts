import {
  OrchestrationErrorCodes as Codes,
  type DataClassification,
  type DatasetEvent,
  invalid,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { DatasetPolicyView } from './data-policy.js';

export type DatasetState = { exists: false } | ({ exists: true } & DatasetPolicyView);

export type DatasetCommand =
  | {
      type: 'RegisterDataset';
      name: string;
      classification: DataClassification;
      productionDerived: boolean;
      actor: string;
    }
  | {
      type: 'RecordMaskingAttestation';
      attestationId: string;
      tool: string;
      ruleSetVersion: string;
      maskedOutputSha256: string;
      expiresAt: Date;
      actor: string;
      at: Date;
    };

export const datasetDecider: Decider<DatasetCommand, DatasetEvent, DatasetState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'DatasetRegistered') {
      const { name, classification, productionDerived } = e.data;
      return { exists: true, name, classification, productionDerived, attestations: [] };
    }
    if (!s.exists) return s;
    return {
      ...s,
      attestations: [...s.attestations, { attestationId: e.data.attestationId, expiresAt: e.data.expiresAt }],
    };
  },
  decide(c, s) {
    if (c.type === 'RegisterDataset') {
      if (s.exists) throw ruleViolated(Codes.DATASET_EXISTS, `Dataset ${c.name} is already registered.`);
      const { name, classification, productionDerived, actor } = c;
      return [{ type: 'DatasetRegistered', data: { name, classification, productionDerived, registeredBy: actor } }];
    }
    if (!s.exists) throw notFound(Codes.DATASET_NOT_FOUND, 'No dataset with this name.');
    // An attestation that is already void would let nothing through; recording it only misleads a later reader.
    if (c.expiresAt.getTime() <= c.at.getTime()) {
      throw invalid(Codes.ATTESTATION_EXPIRED, 'The attestation expires before it is recorded.', {
        expiresAt: c.expiresAt.toISOString(),
      });
    }
    return [
      {
        type: 'MaskingAttestationRecorded',
        data: {
          name: s.name,
          attestationId: c.attestationId,
          tool: c.tool,
          ruleSetVersion: c.ruleSetVersion,
          maskedOutputSha256: c.maskedOutputSha256,
          attestedAt: c.at.toISOString(),
          expiresAt: c.expiresAt.toISOString(),
          attestedBy: c.actor,
        },
      },
    ];
  },
};
