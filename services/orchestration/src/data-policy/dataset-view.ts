import { DataClassification, DatasetName } from '@railyard/contracts';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';

export const DatasetParams = z.strictObject({ name: DatasetName });
export const DatasetView = schemaComponent(
  'Dataset',
  z.object({
    name: z.string(),
    classification: DataClassification,
    productionDerived: z.boolean(),
    attestations: z.array(z.object({ attestationId: z.uuid(), expiresAt: z.string() })),
    revision: z.number().int(),
  }),
);
