import type { RegisteredArtifact } from '../artifacts/domain/artifact.js';
import type { SignatureCheck } from '../artifacts/domain/gates.js';
import type { KeyVault } from '../signing/key-vault.js';

/** Verifies each signature of the artifact against the key vault: the facts the promotion gates decide on. */
export async function signatureChecks(vault: KeyVault, artifact: RegisteredArtifact): Promise<SignatureCheck[]> {
  const digest = Buffer.from(artifact.sha256, 'hex');
  return Promise.all(
    artifact.signatures.map(async (s) => ({
      keyId: s.keyId,
      valid: await vault.verify(s.keyId, digest, Buffer.from(s.signature, 'base64')),
    })),
  );
}
