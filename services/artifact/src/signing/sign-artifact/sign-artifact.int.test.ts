import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { ArtifactSigned, ArtifactSwept, ArtifactErrorCodes as Codes, ErrorCodes } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactSpecFixture,
  admin,
  ci,
  daysBefore,
  releaseManager,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

describe('POST /artifacts/:name/:version/signatures', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('signArtifact');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const sign = (a: SpecArtifact, who = releaseManager) =>
    s.request('POST', `/artifacts/${a.name}/${a.version}/signatures`, who);

  // First, while the keyring is empty.
  it('409 ARTIFACT_NO_ACTIVE_SIGNING_KEY before any rotation', async () => {
    const a = s.fresh();
    await s.spec().given(a.stream, s.registered(a)).when(sign(a)).then({ status: 409, code: Codes.NO_ACTIVE_KEY });
  });

  describe('with an active key', () => {
    let key: { keyId: string; publicKeyPem: string };
    beforeAll(async () => {
      const res = await s.f.app.inject({
        method: 'POST',
        url: '/signing-keys',
        headers: await s.f.auth(admin.id, admin.roles),
      });
      expect(res.statusCode).toBe(201);
      key = res.json();
    });
    /** Ed25519 is deterministic: the signature the active key makes over the 32 raw digest bytes. */
    const signatureOf = async (a: SpecArtifact) =>
      (await s.f.runtime.vault.sign(key.keyId, Buffer.from(a.sha256, 'hex'))).toString('base64');
    const signed = (a: SpecArtifact, keyId: string, signature: string) =>
      event(ArtifactSigned, { artifactId: a.id, sha256: a.sha256, keyId, algorithm: 'ed25519', signature });

    it('ArtifactSigned: the digest signed with the active key, verifiable with its public half; 201', async () => {
      const a = s.fresh();
      const signature = await signatureOf(a);
      expect(
        verify(null, Buffer.from(a.sha256, 'hex'), createPublicKey(key.publicKeyPem), Buffer.from(signature, 'base64')),
      ).toBe(true);
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(sign(a))
        .then({
          status: 201,
          body: { id: a.id, signatures: [{ keyId: key.keyId, algorithm: 'ed25519', signature }], revision: 1 },
          events: { [a.stream]: [signed(a, key.keyId, signature)] },
        });
    });

    it('signed by an older key only: signed again with the active one', async () => {
      const a = s.fresh();
      const older = signed(a, randomUUID(), Buffer.alloc(64, 1).toString('base64'));
      await s
        .spec()
        .given(a.stream, s.registered(a), older)
        .when(sign(a))
        .then({ status: 201, events: { [a.stream]: [signed(a, key.keyId, await signatureOf(a))] } });
    });

    it('already signed with the active key: 200, nothing appended', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), signed(a, key.keyId, await signatureOf(a)))
        .when(sign(a))
        .then({ status: 200, body: { revision: 1 } });
    });

    it('404 ARTIFACT_NOT_FOUND for a version never registered', async () => {
      const a = s.fresh();
      await s.spec().given(a.stream).when(sign(a)).then({ status: 404, code: Codes.NOT_FOUND });
    });

    it('409 ARTIFACT_SWEPT once retention swept the content', async () => {
      const a = s.fresh('0.2.0-dev.4');
      await s
        .spec()
        .given(
          a.stream,
          s.registered(a, {}, daysBefore(30)),
          event(ArtifactSwept, {
            artifactId: a.id,
            sha256: a.sha256,
            rule: 'snapshot',
            retainedUntil: daysBefore(16).toISOString(),
            reason: 'snapshots are kept 14 days',
          }),
        )
        .when(sign(a))
        .then({ status: 409, code: Codes.SWEPT });
    });

    it('400 RAILYARD_REQUEST_INVALID for a name that is not one URL-safe segment', async () => {
      await s
        .spec()
        .when(sign({ ...s.fresh(), name: '.hidden' }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });

    it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(sign(a, ci))
        .then({ status: 403, code: ErrorCodes.FORBIDDEN });
    });
  });
});
