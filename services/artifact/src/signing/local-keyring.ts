import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scrypt,
  sign,
  verify,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { KeyVault, SigningKeyInfo } from './key-vault.js';

/** Table `artifact.signing_keys`: the keyring. Private keys are stored only encrypted (AES-256-GCM). */
export interface SigningKeyRow {
  key_id: string;
  algorithm: 'ed25519';
  public_key_pem: string;
  fingerprint: string;
  /** PKCS#8 DER of the private key, encrypted under a key derived from the master key and `kdf_salt`. */
  encrypted_private_key: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  kdf_salt: Buffer;
  status: 'active' | 'retired';
  created_at: Date;
  retired_at: Date | null;
}
export interface KeyringDb {
  'artifact.signing_keys': SigningKeyRow;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

function info(row: SigningKeyRow): SigningKeyInfo {
  return {
    keyId: row.key_id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key_pem,
    fingerprint: row.fingerprint,
    status: row.status,
    createdAt: new Date(row.created_at),
    retiredAt: row.retired_at ? new Date(row.retired_at) : null,
  };
}

/**
 * The local keyring: Ed25519 keys (node:crypto) whose private halves are encrypted at rest with AES-256-GCM under a
 * key derived with scrypt from ARTIFACT_MASTER_KEY and a per-key salt; the key id is the GCM associated data, so a
 * ciphertext moved to another row does not decrypt. Ed25519 signatures are deterministic and verify with
 * `openssl pkeyutl -verify -rawin`.
 */
export function createLocalKeyring(db: Kysely<KeyringDb>, masterKey: string): KeyVault {
  const derived = new Map<string, Promise<Buffer>>();
  // scrypt is deliberately slow; one derivation per key per process is enough.
  const kek = (salt: Buffer) => {
    const cacheKey = salt.toString('hex');
    let key = derived.get(cacheKey);
    if (!key) {
      key = scryptAsync(masterKey, salt, 32);
      derived.set(cacheKey, key);
    }
    return key;
  };
  const row = (keyId: string) =>
    db.selectFrom('artifact.signing_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();

  async function privateKeyOf(keyRow: SigningKeyRow) {
    const decipher = createDecipheriv('aes-256-gcm', await kek(keyRow.kdf_salt), keyRow.iv);
    decipher.setAAD(Buffer.from(keyRow.key_id));
    decipher.setAuthTag(keyRow.auth_tag);
    const der = Buffer.concat([decipher.update(keyRow.encrypted_private_key), decipher.final()]);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }

  return {
    async rotate(keyId, now) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const spki = publicKey.export({ format: 'der', type: 'spki' });
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await kek(salt), iv);
      cipher.setAAD(Buffer.from(keyId));
      const encrypted = Buffer.concat([
        cipher.update(privateKey.export({ format: 'der', type: 'pkcs8' })),
        cipher.final(),
      ]);
      const created: SigningKeyRow = {
        key_id: keyId,
        algorithm: 'ed25519',
        public_key_pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        fingerprint: createHash('sha256').update(spki).digest('hex'),
        encrypted_private_key: encrypted,
        iv,
        auth_tag: cipher.getAuthTag(),
        kdf_salt: salt,
        status: 'active',
        created_at: now,
        retired_at: null,
      };
      return db.transaction().execute(async (trx) => {
        // One active key at a time: the partial unique index on status = 'active' enforces it under concurrency.
        const retired = await trx
          .updateTable('artifact.signing_keys')
          .set({ status: 'retired', retired_at: now })
          .where('status', '=', 'active')
          .returningAll()
          .executeTakeFirst();
        await trx.insertInto('artifact.signing_keys').values(created).execute();
        return { created: info(created), ...(retired ? { retired: info(retired) } : {}) };
      });
    },
    async activeKey() {
      const active = await db
        .selectFrom('artifact.signing_keys')
        .selectAll()
        .where('status', '=', 'active')
        .executeTakeFirst();
      return active && info(active);
    },
    async get(keyId) {
      const found = await row(keyId);
      return found && info(found);
    },
    async list() {
      const rows = await db.selectFrom('artifact.signing_keys').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map(info);
    },
    async sign(keyId, message) {
      const found = await row(keyId);
      if (!found) throw new Error(`no signing key ${keyId}`);
      return sign(null, message, await privateKeyOf(found));
    },
    async verify(keyId, message, signature) {
      const found = await row(keyId);
      if (!found) return false;
      return verify(null, message, createPublicKey(found.public_key_pem), signature);
    },
  };
}
