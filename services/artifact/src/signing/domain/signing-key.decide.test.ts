import { ArtifactErrorCodes, type SigningKeyEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import { type SigningKeyCommand, signingKeyDecider } from './signing-key.decide.js';

const actor = { id: 'admin', kind: 'user' as const, roles: ['admin'] };
const at = new Date('2026-11-26T10:00:00Z');
const keyId = '0193a5b0-0000-7000-8000-0000000000aa';
const next = '0193a5b0-0000-7000-8000-0000000000bb';
const create: SigningKeyCommand = {
  type: 'RecordKeyCreated',
  actor,
  at,
  keyId,
  algorithm: 'ed25519',
  publicKeyPem: 'PEM',
  fingerprint: 'f'.repeat(64),
};
const created: SigningKeyEvent = {
  type: 'SigningKeyCreated',
  data: { keyId, algorithm: 'ed25519', publicKeyPem: 'PEM', fingerprint: 'f'.repeat(64) },
};
const retire: SigningKeyCommand = { type: 'RecordKeyRetired', actor, at, replacedBy: next };

describe('signing key decider', () => {
  it('records a created key once', () => {
    spec(signingKeyDecider).when(create).then([created]);
    spec(signingKeyDecider).given([created]).when(create).thenNothing();
  });
  it('retires a key once, naming its successor', () => {
    const retired: SigningKeyEvent = { type: 'SigningKeyRetired', data: { keyId, replacedBy: next } };
    spec(signingKeyDecider).given([created]).when(retire).then([retired]);
    spec(signingKeyDecider).given([created, retired]).when(retire).thenNothing();
  });
  it('cannot retire an unknown key', () => {
    spec(signingKeyDecider).when(retire).thenThrows(ArtifactErrorCodes.SIGNING_KEY_NOT_FOUND);
  });
});
