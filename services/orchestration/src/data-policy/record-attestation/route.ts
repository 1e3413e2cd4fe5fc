import { datasetStream, Sha256Hex } from '@railyard/contracts';
import { newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { DatasetCommands } from '../dataset-store.js';
import { DatasetParams, DatasetView } from '../dataset-view.js';

const Body = z.strictObject({
  tool: z.string().trim().min(1).max(200).describe('The masking tool, e.g. its name and version.'),
  ruleSetVersion: z.string().trim().min(1).max(100),
  maskedOutputSha256: Sha256Hex.describe('sha256 of the masked output, as 64 lowercase hex characters.'),
  expiresAt: z.iso.datetime({ offset: true }),
});

/** POST /datasets/:name/attestations — a masking attestation that lets the dataset into lower tiers until it expires. */
export const recordAttestationRoute: FastifyPluginAsyncZod<{ commands: DatasetCommands; now: () => Date }> = async (
  app,
  { commands, now },
) => {
  app.post(
    '/datasets/:name/attestations',
    {
      config: { roles: ['sre', 'release-manager'] },
      schema: {
        summary: 'Record a masking attestation',
        tags: ['data-policy'],
        params: DatasetParams,
        body: Body,
        response: { 201: DatasetView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const result = await commands.handle(
        datasetStream(request.params.name),
        {
          type: 'RecordMaskingAttestation',
          attestationId: newAggregateId(ctx, `attestation:${request.params.name}`),
          ...request.body,
          expiresAt: new Date(request.body.expiresAt),
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
      );
      if (!result.state.exists) throw new TypeError('an attested dataset exists');
      const { exists: _e, ...view } = result.state;
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .send({ ...view, revision: Number(result.revision) });
    },
  );
};
