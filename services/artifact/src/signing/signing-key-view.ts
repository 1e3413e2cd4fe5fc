import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import type { SigningKeyInfo } from './key-vault.js';

export const SigningKeyView = schemaComponent(
  'SigningKey',
  z.object({
    keyId: z.uuid(),
    algorithm: z.literal('ed25519'),
    status: z.enum(['active', 'retired']),
    fingerprint: z.string(),
    publicKeyPem: z.string(),
    createdAt: z.string(),
    retiredAt: z.string().nullable(),
  }),
);

export const signingKeyView = (k: SigningKeyInfo): z.infer<typeof SigningKeyView> => ({
  keyId: k.keyId,
  algorithm: k.algorithm,
  status: k.status,
  fingerprint: k.fingerprint,
  publicKeyPem: k.publicKeyPem,
  createdAt: k.createdAt.toISOString(),
  retiredAt: k.retiredAt ? k.retiredAt.toISOString() : null,
});
