import { z } from 'zod';
import { defineEvent } from '../envelope.js';

export const SigningKeyCreated = defineEvent(
  'SigningKeyCreated',
  z.strictObject({
    keyId: z.uuid(),
    algorithm: z.enum(['ed25519']),
    publicKeyPem: z.string().describe('SPKI PEM of the public key; the private key never leaves the key vault.'),
    fingerprint: z.string().describe('sha256 (hex) of the DER-encoded public key.'),
  }),
  'A signing key was created in the key vault and became the active key (rotation).',
);

export const SigningKeyRetired = defineEvent(
  'SigningKeyRetired',
  z.strictObject({ keyId: z.uuid(), replacedBy: z.uuid().optional() }),
  'A signing key stopped signing (rotation); it is kept so its signatures still verify.',
);

/** The signing key aggregate's event catalogue (stream `signingKey-<keyId>`). */
export const signingKeyEvents = { SigningKeyCreated, SigningKeyRetired } as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type SigningKeyEvent = {
  [K in keyof typeof signingKeyEvents]: { type: K; data: DataOf<(typeof signingKeyEvents)[K]> };
}[keyof typeof signingKeyEvents];
