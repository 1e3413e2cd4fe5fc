import { createPublicKey, verify } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from '../test-support/artifact-fixture.js';
import { createLocalKeyring, type KeyringDb } from './local-keyring.js';

describe('the local keyring (key-vault adapter)', () => {
  let f: ArtifactFixture;
  let db: Kysely<KeyringDb>;
  const master = 'test-master-key-that-is-long-enough-0000';

  beforeAll(async () => {
    f = await startArtifact('artifactKeyring');
    db = f.runtime.db as unknown as Kysely<KeyringDb>;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('keeps private keys encrypted: another master key cannot sign, the right one can', async () => {
    const vault = createLocalKeyring(db, master);
    const { created } = await vault.rotate('0193a5b0-0000-7000-8000-000000000101', new Date());
    const message = Buffer.alloc(32, 7);
    const signature = await vault.sign(created.keyId, message);
    expect(verify(null, message, createPublicKey(created.publicKeyPem), signature)).toBe(true);
    const row = await db.selectFrom('artifact.signing_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.encrypted_private_key.toString('latin1')).not.toMatch(/PRIVATE KEY/);
    await expect(
      createLocalKeyring(db, 'another-master-key-that-is-long-enough').sign(created.keyId, message),
    ).rejects.toThrow();
  });

  it('rotates: one active key, the old one retired but still verifying', async () => {
    const vault = createLocalKeyring(db, master);
    const before = await vault.activeKey();
    const message = Buffer.alloc(32, 9);
    const oldSignature = await vault.sign(before!.keyId, message);
    const { created, retired } = await vault.rotate('0193a5b0-0000-7000-8000-000000000102', new Date());
    expect(retired?.keyId).toBe(before!.keyId);
    expect((await vault.activeKey())?.keyId).toBe(created.keyId);
    expect((await vault.list()).filter((k) => k.status === 'active')).toHaveLength(1);
    expect(await vault.verify(before!.keyId, message, oldSignature)).toBe(true);
    expect(await vault.verify(created.keyId, message, oldSignature)).toBe(false);
  });
});
