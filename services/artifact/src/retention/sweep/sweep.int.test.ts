import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ArtifactPromoted,
  ArtifactSwept,
  ArtifactErrorCodes as Codes,
  ErrorCodes,
  LegalHoldPlaced,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactSpecFixture,
  admin,
  ci,
  daysBefore,
  type SpecArtifact,
  startArtifactSpecs,
} from '../../test-support/artifact-spec.js';

// A sweep acts on every artifact of the catalog, so each specification reads only its own artifacts in the body; the
// events are exact anyway: what earlier specifications left is either swept already or held, and appends nothing.
describe('POST /retention/sweep', () => {
  let s: ArtifactSpecFixture;
  beforeAll(async () => {
    s = await startArtifactSpecs('retentionSweep');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  // The sweep reads the catalog: the request waits until it has the given events.
  const sweep = (who = admin) => {
    const request = s.request('POST', '/retention/sweep', who);
    return async () => {
      await s.f.caughtUp();
      return request();
    };
  };
  /** Stores real bytes, so the artifact's content is on disk under its digest. */
  const stored = async (a: SpecArtifact): Promise<SpecArtifact> => {
    const { sha256 } = await s.f.runtime.content.ingest(Readable.from(randomBytes(64)), { maxBytes: 1024 });
    return { ...a, sha256 };
  };
  const mine = (...artifacts: SpecArtifact[]) => {
    const names = new Set(artifacts.map((a) => a.name));
    return (item: { name: string }) => names.has(item.name);
  };

  it('deletes an expired snapshot (ArtifactSwept, blob gone) and keeps a release of the same age', async () => {
    const snapshot = await stored(s.fresh('1.1.0-nightly.3'));
    const release = await stored(s.fresh('1.0.0'));
    await s
      .spec()
      .given(snapshot.stream, s.registered(snapshot, {}, daysBefore(20)))
      .given(release.stream, s.registered(release, {}, daysBefore(20)))
      .when(sweep())
      .then({
        status: 200,
        body: (body) => {
          expect(body.at).toBe('2026-11-02T09:00:00.000Z');
          expect(body.swept.filter(mine(snapshot, release))).toEqual([
            {
              name: snapshot.name,
              version: '1.1.0-nightly.3',
              sha256: snapshot.sha256,
              detail: 'snapshots are kept 14 days',
              contentDeleted: true,
            },
          ]);
          expect(body.skipped.filter(mine(snapshot, release))).toEqual([]);
        },
        events: {
          [snapshot.stream]: [
            event(ArtifactSwept, {
              artifactId: snapshot.id,
              sha256: snapshot.sha256,
              rule: 'snapshot',
              retainedUntil: daysBefore(6).toISOString(),
              reason: 'snapshots are kept 14 days',
            }),
          ],
        },
      });
    expect(await s.f.runtime.content.has(snapshot.sha256)).toBe(false);
    expect(await s.f.runtime.content.has(release.sha256)).toBe(true);
  });

  it('keeps the bytes an expired snapshot shares with a live artifact, recording the sweep all the same', async () => {
    const live = await stored(s.fresh('2.0.0'));
    const twin = { ...s.fresh('0.1.0-dev.1'), sha256: live.sha256 };
    await s
      .spec()
      .given(live.stream, s.registered(live, {}, daysBefore(30)))
      .given(twin.stream, s.registered(twin, {}, daysBefore(30)))
      .when(sweep())
      .then({
        status: 200,
        body: (body) =>
          expect(body.swept.filter(mine(live, twin))).toEqual([
            {
              name: twin.name,
              version: '0.1.0-dev.1',
              sha256: live.sha256,
              detail: 'snapshots are kept 14 days',
              contentDeleted: false,
            },
          ]),
        events: {
          [twin.stream]: [
            event(ArtifactSwept, {
              artifactId: twin.id,
              sha256: live.sha256,
              rule: 'snapshot',
              retainedUntil: daysBefore(16).toISOString(),
              reason: 'snapshots are kept 14 days',
            }),
          ],
        },
      });
    expect(await s.f.runtime.content.has(live.sha256)).toBe(true);
  });

  it('skips an expired snapshot under legal hold with ARTIFACT_LEGAL_HOLD_ACTIVE, appending nothing', async () => {
    const a = await stored(s.fresh('3.0.0-beta.1'));
    await s
      .spec()
      .given(
        a.stream,
        s.registered(a, {}, daysBefore(40)),
        event(LegalHoldPlaced, { artifactId: a.id, reason: 'litigation' }, { at: daysBefore(39) }),
      )
      .when(sweep())
      .then({
        status: 200,
        body: (body) => {
          expect(body.swept.filter(mine(a))).toEqual([]);
          expect(body.skipped.filter(mine(a))).toEqual([
            {
              name: a.name,
              version: '3.0.0-beta.1',
              sha256: a.sha256,
              code: Codes.LEGAL_HOLD_ACTIVE,
              detail: 'A legal hold blocks deletion: litigation',
            },
          ]);
        },
      });
    expect(await s.f.runtime.content.has(a.sha256)).toBe(true);
  });

  it('keeps a snapshot that reached prod (kept 5 years), a regulated one (7 years) and external content', async () => {
    const promoted = await stored(s.fresh('4.0.0-rc.1'));
    const regulated = await stored(s.fresh('4.1.0-rc.1'));
    const external = s.fresh('4.2.0-rc.1');
    await s
      .spec()
      .given(
        promoted.stream,
        s.registered(promoted, {}, daysBefore(100)),
        event(
          ArtifactPromoted,
          {
            artifactId: promoted.id,
            name: promoted.name,
            version: promoted.version,
            sha256: promoted.sha256,
            stage: 'prod',
            rulesChecked: [],
          },
          { at: daysBefore(99) },
        ),
      )
      .given(regulated.stream, s.registered(regulated, { auditClass: 'regulated' }, daysBefore(100)))
      .given(
        external.stream,
        s.registered(external, { storage: 'external', uri: `s3://artifacts/${external.name}` }, daysBefore(100)),
      )
      .when(sweep())
      .then({
        status: 200,
        body: (body) => {
          expect(body.swept.filter(mine(promoted, regulated, external))).toEqual([]);
          expect(body.skipped.filter(mine(promoted, regulated, external))).toEqual([]);
        },
      });
  });

  it('a second sweep finds nothing new: what it swept stays swept, the hold is skipped again', async () => {
    await s
      .spec()
      .when(sweep())
      .then({
        status: 200,
        body: (body) => {
          expect(body.swept).toEqual([]);
          expect(body.skipped.map((x: { code: string }) => x.code)).toEqual([Codes.LEGAL_HOLD_ACTIVE]);
        },
      });
  });

  it('403 RAILYARD_AUTH_FORBIDDEN for a developer', async () => {
    await s.spec().when(sweep(ci)).then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
