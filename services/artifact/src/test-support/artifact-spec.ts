import { randomBytes, randomUUID } from 'node:crypto';
import { ArtifactRegistered } from '@railyard/contracts';
import {
  event,
  type HttpSpecification,
  httpSpecification,
  type InjectRequest,
  type SpecEvent,
} from '@railyard/testing';
import { artifactIdOf, artifactStream } from '../artifacts/domain/artifact-identity.js';
import { type ArtifactFixture, startArtifact } from './artifact-fixture.js';

/** The instant the service's clock is stopped at for the specifications (tests may move it). */
export const T0 = new Date('2026-11-02T09:00:00Z');
export const DAY = 86_400_000;
export const daysBefore = (days: number, from: Date = T0) => new Date(from.getTime() - days * DAY);

/** Who calls, by id and roles (signed into a bearer token when the specification runs). */
export interface Caller {
  id: string;
  roles: string[];
}
export const ci: Caller = { id: 'ci-bot', roles: ['developer'] };
export const releaseManager: Caller = { id: 'rm-ana', roles: ['release-manager'] };
export const auditor: Caller = { id: 'aud-lee', roles: ['auditor'] };
export const admin: Caller = { id: 'admin-kim', roles: ['admin'] };
export const deployer: Caller = { id: 'dep-joe', roles: ['deployer'] };

/** An artifact version of one specification: its own name, so the specifications of a file share a database only. */
export interface SpecArtifact {
  name: string;
  version: string;
  id: string;
  /** Its stream, from the name-based id (the contracts' streamName builder). */
  stream: string;
  sha256: string;
}

export interface ArtifactSpecFixture {
  f: ArtifactFixture;
  /** A specification on this service (its store, its app). */
  spec(): HttpSpecification;
  /** An artifact at `version` (default 1.0.0), a random digest, a fresh name unless given; nothing registered. */
  fresh(version?: string, name?: string): SpecArtifact;
  /** ArtifactRegistered for `a` as the registry records an internal upload (12 bytes, standard), at `at` (T0). */
  registered(a: SpecArtifact, data?: Record<string, unknown>, at?: Date): SpecEvent;
  /** A request by `who`, for `when` (the token is signed when the specification runs). */
  request(method: InjectRequest['method'], url: string, who: Caller, payload?: unknown): () => Promise<InjectRequest>;
  close(): Promise<void>;
}

/**
 * The artifact service on a fresh database with its clock stopped at T0, for the slices' specifications (options as
 * startArtifact's: upload limit, kinds that may be empty…). Small pools (4 connections each for the store and the
 * read models): many files start one in parallel.
 */
export async function startArtifactSpecs(
  label: string,
  options: Omit<NonNullable<Parameters<typeof startArtifact>[1]>, 'poolSize'> = {},
): Promise<ArtifactSpecFixture> {
  const f = await startArtifact(label, { ...options, poolSize: 4 });
  f.clock.now = T0;
  return {
    f,
    spec: () => httpSpecification(f),
    fresh(version = '1.0.0', name = `svc-${randomUUID().slice(0, 8)}`) {
      const id = artifactIdOf(name, version);
      return { name, version, id, stream: artifactStream(id), sha256: randomBytes(32).toString('hex') };
    },
    registered(a, data = {}, at = T0) {
      return event(
        ArtifactRegistered,
        {
          artifactId: a.id,
          name: a.name,
          kind: 'service',
          version: a.version,
          sha256: a.sha256,
          size: 12,
          storage: 'internal',
          stability: a.version.includes('-') ? 'snapshot' : 'release',
          auditClass: 'standard',
          ...data,
        },
        { at },
      );
    },
    request: (method, url, who, payload) => async () => ({
      method,
      url,
      headers: await f.auth(who.id, who.roles),
      ...(payload === undefined ? {} : { payload }),
    }),
    close: () => f.close(),
  };
}
