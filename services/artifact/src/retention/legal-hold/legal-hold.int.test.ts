import { ArtifactErrorCodes as Codes, ErrorCodes, LegalHoldPlaced, LegalHoldReleased } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type ArtifactSpecFixture,
  auditor,
  ci,
  releaseManager,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

describe('POST /artifacts/:name/:version/legal-hold (and /release)', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('legalHold');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const place = (a: SpecArtifact, payload: Record<string, unknown>, who = auditor) =>
    s.request('POST', `/artifacts/${a.name}/${a.version}/legal-hold`, who, payload);
  const release = (a: SpecArtifact, payload: Record<string, unknown> = {}) =>
    s.request('POST', `/artifacts/${a.name}/${a.version}/legal-hold/release`, releaseManager, payload);
  const held = (a: SpecArtifact, data: Record<string, unknown> = { reason: 'litigation' }) =>
    event(LegalHoldPlaced, { artifactId: a.id, ...data });

  describe('placing', () => {
    it('LegalHoldPlaced with its reason and case reference; the artifact shows the hold', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(place(a, { reason: 'litigation', caseRef: 'CASE-2026-17' }))
        .then({
          status: 200,
          body: { id: a.id, legalHold: { reason: 'litigation', caseRef: 'CASE-2026-17' }, revision: 1 },
          events: { [a.stream]: [held(a, { reason: 'litigation', caseRef: 'CASE-2026-17' })] },
        });
    });

    it('without a case reference, the reason trimmed', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(place(a, { reason: '  audit of Q3  ' }, releaseManager))
        .then({
          status: 200,
          body: { legalHold: { reason: 'audit of Q3', caseRef: null } },
          events: { [a.stream]: [held(a, { reason: 'audit of Q3' })] },
        });
    });

    it('a hold already in place stays as it was: 200, nothing appended', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), held(a))
        .when(place(a, { reason: 'another case' }))
        .then({ status: 200, body: { legalHold: { reason: 'litigation' }, revision: 1 } });
    });

    it('404 ARTIFACT_NOT_FOUND for a version never registered', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream)
        .when(place(a, { reason: 'litigation' }))
        .then({ status: 404, code: Codes.NOT_FOUND });
    });

    it('400 RAILYARD_REQUEST_INVALID without a reason', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(place(a, { reason: '   ' }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });

    it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a))
        .when(place(a, { reason: 'litigation' }, ci))
        .then({ status: 403, code: ErrorCodes.FORBIDDEN });
    });
  });

  describe('releasing', () => {
    it('LegalHoldReleased with its reason; the artifact shows no hold', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), held(a))
        .when(release(a, { reason: 'case closed' }))
        .then({
          status: 200,
          body: { id: a.id, legalHold: null, revision: 2 },
          events: { [a.stream]: [event(LegalHoldReleased, { artifactId: a.id, reason: 'case closed' })] },
        });
    });

    it('without a reason', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), held(a))
        .when(release(a))
        .then({ status: 200, events: { [a.stream]: [event(LegalHoldReleased, { artifactId: a.id })] } });
    });

    it('409 ARTIFACT_LEGAL_HOLD_ABSENT when no hold is in place', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), held(a), event(LegalHoldReleased, { artifactId: a.id }))
        .when(release(a, { reason: 'again' }))
        .then({ status: 409, code: Codes.LEGAL_HOLD_ABSENT });
    });

    it('404 ARTIFACT_NOT_FOUND for a version never registered', async () => {
      const a = s.fresh();
      await s.spec().given(a.stream).when(release(a)).then({ status: 404, code: Codes.NOT_FOUND });
    });

    it('400 RAILYARD_REQUEST_INVALID for a field it does not know', async () => {
      const a = s.fresh();
      await s
        .spec()
        .given(a.stream, s.registered(a), held(a))
        .when(release(a, { reason: 'case closed', caseRef: 'CASE-1' }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });
});
