/** A signing key as the vault describes it: never the private half. */
export interface SigningKeyInfo {
  keyId: string;
  algorithm: 'ed25519';
  publicKeyPem: string;
  /** sha256 (hex) of the DER (SPKI) public key. */
  fingerprint: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

/**
 * The key-vault port (A6): where signing keys live and sign. The default adapter is the local encrypted keyring
 * (local-keyring.ts); a cloud KMS or an HSM would implement the same four operations.
 */
export interface KeyVault {
  /** Creates a key and makes it the active one; the previous active key is retired but kept for verification. */
  rotate(keyId: string, now: Date): Promise<{ created: SigningKeyInfo; retired?: SigningKeyInfo }>;
  /** The key new signatures are made with, if any. */
  activeKey(): Promise<SigningKeyInfo | undefined>;
  get(keyId: string): Promise<SigningKeyInfo | undefined>;
  list(): Promise<SigningKeyInfo[]>;
  /** Signs `message` with a key (active or not: the caller decides which may sign). */
  sign(keyId: string, message: Buffer): Promise<Buffer>;
  /** Whether `signature` over `message` verifies with the key's public half (false for an unknown key). */
  verify(keyId: string, message: Buffer, signature: Buffer): Promise<boolean>;
}
