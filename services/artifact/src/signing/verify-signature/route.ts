import { Sha256Hex } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { KeyVault } from '../../signing/key-vault.js';

const Body = z.strictObject({
  sha256: Sha256Hex.describe('The digest that was signed (hex).'),
  keyId: z.uuid(),
  signature: z.base64().max(200).describe('base64 signature over the 32 raw digest bytes.'),
});
const Result = z.object({ valid: z.boolean(), keyId: z.uuid(), keyStatus: z.enum(['active', 'retired', 'unknown']) });

/** What this slice uses, handed over by its capability's routes. */
export interface VerifySignatureDeps {
  vault: KeyVault;
}

/** POST /signatures/verify — whether a signature over a digest verifies with a key of the keyring (A6). */
export const verifySignatureRoute: FastifyPluginAsyncZod<VerifySignatureDeps> = async (app, { vault }) => {
  app.post(
    '/signatures/verify',
    {
      // A computation, not a command: it records nothing.
      config: { query: true },
      schema: { summary: 'Verify a signature', tags: ['signing'], body: Body, response: { 200: Result } },
    },
    async (request) => {
      const { sha256, keyId, signature } = request.body;
      const key = await vault.get(keyId);
      const valid = key
        ? await vault.verify(keyId, Buffer.from(sha256, 'hex'), Buffer.from(signature, 'base64'))
        : false;
      return { valid, keyId, keyStatus: key?.status ?? ('unknown' as const) };
    },
  );
};
