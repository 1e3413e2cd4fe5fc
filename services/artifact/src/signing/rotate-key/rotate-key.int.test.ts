import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { ErrorCodes, SigningKeyCreated, SigningKeyRetired } from '@railyard/contracts';
import { event, type InjectedResponse } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactSpecFixture,
  admin,
  releaseManager,
  startArtifactSpecs,
  T0,
} from '../../test-support/artifact-spec.js';
import { signingKeyStream } from '../signing-key-store.js';

describe('POST /signing-keys (rotation)', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('rotateKey');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const rotate = (who = admin) => s.request('POST', '/signing-keys', who);
  /** SigningKeyCreated of the key the response names: its public half, and the fingerprint of that half. */
  const created = (response: InjectedResponse) => {
    const key = response.json();
    return event(SigningKeyCreated, {
      keyId: key.keyId,
      algorithm: 'ed25519',
      publicKeyPem: key.publicKeyPem,
      fingerprint: createHash('sha256')
        .update(createPublicKey(key.publicKeyPem).export({ format: 'der', type: 'spki' }))
        .digest('hex'),
    });
  };

  it('the first rotation of an empty keyring: a new active key, SigningKeyCreated in its stream, nothing retired', async () => {
    await s
      .spec()
      .when(rotate())
      .then({
        status: 201,
        body: (body, response) => {
          expect(body).toMatchObject({ algorithm: 'ed25519', status: 'active', retiredAt: null });
          expect(body.createdAt).toBe('2026-11-02T09:00:00.000Z');
          expect(response.headers.location).toBe(`/signing-keys/${body.keyId}.pem`);
        },
        events: (response) => ({ [signingKeyStream(response.json().keyId)]: [created(response)] }),
      });
  });

  it('a later rotation: SigningKeyCreated for the new key, SigningKeyRetired (replaced by it) for the previous one', async () => {
    const previous = await s.f.app.inject({
      method: 'POST',
      url: '/signing-keys',
      headers: await s.f.auth(admin.id, admin.roles),
    });
    expect(previous.statusCode).toBe(201);
    const previousId: string = previous.json().keyId;
    const { response } = await s
      .spec()
      .given(signingKeyStream(previousId))
      .when(rotate())
      .then({
        status: 201,
        body: { status: 'active' },
        events: (response) => ({
          [signingKeyStream(response.json().keyId)]: [created(response)],
          [signingKeyStream(previousId)]: [
            event(SigningKeyRetired, { keyId: previousId, replacedBy: response.json().keyId }),
          ],
        }),
      });
    expect(response.json().keyId).not.toBe(previousId);
    expect((await s.f.runtime.vault.activeKey())?.keyId).toBe(response.json().keyId);
    expect((await s.f.runtime.vault.get(previousId))?.status).toBe('retired');
  });

  it('a previous key whose creation was never recorded (the store failed after the vault rotated): its creation is recorded, then its retirement', async () => {
    // The vault rotates first and the audit trail follows: a rotation whose append failed leaves an active key
    // without its SigningKeyCreated.
    const { created: lost } = await s.f.runtime.vault.rotate(randomUUID(), T0);
    await s
      .spec()
      .given(signingKeyStream(lost.keyId))
      .when(rotate())
      .then({
        status: 201,
        events: (response) => ({
          [signingKeyStream(response.json().keyId)]: [created(response)],
          [signingKeyStream(lost.keyId)]: [
            event(SigningKeyCreated, {
              keyId: lost.keyId,
              algorithm: 'ed25519',
              publicKeyPem: lost.publicKeyPem,
              fingerprint: lost.fingerprint,
            }),
            event(SigningKeyRetired, { keyId: lost.keyId, replacedBy: response.json().keyId }),
          ],
        }),
      });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for anyone but an admin, and the keyring stays as it was', async () => {
    const before = await s.f.runtime.vault.activeKey();
    await s.spec().when(rotate(releaseManager)).then({ status: 403, code: ErrorCodes.FORBIDDEN });
    expect(await s.f.runtime.vault.activeKey()).toEqual(before);
  });
});
