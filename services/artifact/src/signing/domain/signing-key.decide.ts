import { type Actor, ArtifactErrorCodes, ruleViolated, type SigningKeyEvent } from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';

export type SigningKeyState =
  | { exists: false }
  | { exists: true; keyId: string; algorithm: 'ed25519'; fingerprint: string; retired: boolean };

interface Issued {
  actor: Actor;
  at: Date;
}
export type RecordKeyCreated = Issued & {
  type: 'RecordKeyCreated';
  keyId: string;
  algorithm: 'ed25519';
  publicKeyPem: string;
  fingerprint: string;
};
export type RecordKeyRetired = Issued & { type: 'RecordKeyRetired'; replacedBy?: string };
export type SigningKeyCommand = RecordKeyCreated | RecordKeyRetired;

/** The signing key's audit trail: created once, retired at most once (the vault holds the key itself). */
export const signingKeyDecider: Decider<SigningKeyCommand, SigningKeyEvent, SigningKeyState> = {
  initialState: { exists: false },
  evolve(state, event) {
    switch (event.type) {
      case 'SigningKeyCreated': {
        const { keyId, algorithm, fingerprint } = event.data;
        return { exists: true, keyId, algorithm, fingerprint, retired: false };
      }
      case 'SigningKeyRetired':
        return state.exists ? { ...state, retired: true } : state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordKeyCreated': {
        if (state.exists) return [];
        const { keyId, algorithm, publicKeyPem, fingerprint } = command;
        return [{ type: 'SigningKeyCreated', data: { keyId, algorithm, publicKeyPem, fingerprint } }];
      }
      case 'RecordKeyRetired': {
        if (!state.exists) throw ruleViolated(ArtifactErrorCodes.SIGNING_KEY_NOT_FOUND, 'No such signing key.');
        if (state.retired) return [];
        return [
          {
            type: 'SigningKeyRetired',
            data: { keyId: state.keyId, ...(command.replacedBy ? { replacedBy: command.replacedBy } : {}) },
          },
        ];
      }
    }
  },
};
