import { ArtifactErrorCodes, notFound } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { KeyVault } from '../../signing/key-vault.js';
import { SigningKeyView, signingKeyView } from '../signing-key-view.js';

const PemParams = z.strictObject({
  file: z
    .string()
    .regex(/^[0-9a-f-]{36}\.pem$/, '<keyId>.pem')
    .describe('`<keyId>.pem`'),
});

/** What this slice uses, handed over by its capability's routes. */
export interface SigningKeysDeps {
  vault: KeyVault;
}

/** GET /signing-keys and GET /signing-keys/:keyId.pem — the keyring's public halves (A6). */
export const signingKeysRoutes: FastifyPluginAsyncZod<SigningKeysDeps> = async (app, { vault }) => {
  app.get(
    '/signing-keys',
    {
      schema: {
        summary: 'List signing keys (active and retired)',
        tags: ['signing'],
        response: { 200: z.object({ items: z.array(SigningKeyView) }) },
      },
    },
    async () => ({ items: (await vault.list()).map(signingKeyView) }),
  );
  app.get(
    '/signing-keys/:file',
    {
      schema: {
        summary: 'Export a public key as PEM (SPKI)',
        description:
          'Verify a signature with `openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in digest.bin -sigfile sig.bin`.',
        tags: ['signing'],
        params: PemParams,
        response: { 200: z.string().describe('application/x-pem-file') },
      },
    },
    async (request, reply) => {
      const keyId = request.params.file.slice(0, -'.pem'.length);
      const key = z.uuid().safeParse(keyId).success ? await vault.get(keyId) : undefined;
      if (!key) throw notFound(ArtifactErrorCodes.SIGNING_KEY_NOT_FOUND, `No signing key ${keyId}.`);
      return reply.type('application/x-pem-file').send(key.publicKeyPem);
    },
  );
};
