import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { v7 as uuidv7 } from 'uuid';
import type { KeyVault } from '../../signing/key-vault.js';
import { type SigningKeyCommands, signingKeyStream } from '../signing-key-store.js';
import { SigningKeyView, signingKeyView } from '../signing-key-view.js';

/** What this slice uses, handed over by its capability's routes. */
export interface RotateKeyDeps {
  keys: SigningKeyCommands;
  vault: KeyVault;
  now: () => Date;
}

/**
 * POST /signing-keys — rotation (A6): a new key becomes the active one; the previous one is retired and kept, so
 * the signatures it made still verify. Recorded as SigningKeyCreated (and SigningKeyRetired) events.
 */
export const rotateKeyRoute: FastifyPluginAsyncZod<RotateKeyDeps> = async (app, { keys, vault, now }) => {
  app.post(
    '/signing-keys',
    {
      config: { roles: ['admin'] },
      schema: { summary: 'Rotate the signing key', tags: ['signing'], response: { 201: SigningKeyView } },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: now() });
      const { created, retired } = await vault.rotate(uuidv7(), ctx.now);
      const issued = { actor: ctx.actor, at: ctx.now };
      await keys.handle(
        signingKeyStream(created.keyId),
        {
          type: 'RecordKeyCreated',
          ...issued,
          keyId: created.keyId,
          algorithm: created.algorithm,
          publicKeyPem: created.publicKeyPem,
          fingerprint: created.fingerprint,
        },
        ctx,
      );
      if (retired) {
        // The vault rotates before the audit trail records it, so a rotation whose append failed leaves an active key
        // with no SigningKeyCreated: record it now (a no-op when it is recorded), or its retirement would be refused
        // with a 409 after the vault had already rotated.
        await keys.handle(
          signingKeyStream(retired.keyId),
          {
            type: 'RecordKeyCreated',
            ...issued,
            keyId: retired.keyId,
            algorithm: retired.algorithm,
            publicKeyPem: retired.publicKeyPem,
            fingerprint: retired.fingerprint,
          },
          ctx,
        );
        await keys.handle(
          signingKeyStream(retired.keyId),
          { type: 'RecordKeyRetired', ...issued, replacedBy: created.keyId },
          ctx,
        );
      }
      return reply.code(201).header('location', `/signing-keys/${created.keyId}.pem`).send(signingKeyView(created));
    },
  );
};
