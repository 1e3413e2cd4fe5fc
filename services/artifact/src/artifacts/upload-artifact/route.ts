import type { Readable } from 'node:stream';
import { ArtifactErrorCodes, ErrorCodes } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { type ArtifactHandler, artifactIdOf, artifactStream } from '../../artifacts/domain/artifact-identity.js';
import type { ContentStore } from '../../content/content-store.js';
import { IngestError } from '../../content/content-store.js';
import type { ArtifactPolicies } from '../../policies.js';
import { ArtifactParams, ArtifactView, artifactView, PublishMetadata } from '../artifact-view.js';
import { checkName, parseVersion } from '../domain/naming.js';
import { declaredSha256 } from './declared-digest.js';

const Headers = z.looseObject({
  'content-type': z.string().describe('application/octet-stream'),
  'content-length': z.coerce.number().int().min(0).optional(),
  'x-artifact-kind': PublishMetadata.kind.describe('The artifact kind, whose naming convention the name must follow.'),
  'x-source-commit': PublishMetadata.sourceCommit.describe('The commit the artifact was built from.'),
  'x-source-repository': PublishMetadata.repository.describe('The repository of that commit.'),
  'x-pipeline-run': PublishMetadata.pipelineRun.describe('The CI pipeline run that built it.'),
  'x-audit-class': PublishMetadata.auditClass.describe('standard, or regulated (kept longest by retention).'),
  'x-content-sha256': z.string().optional().describe('The sha256 the client computed (hex); verified.'),
  digest: z.string().optional().describe('RFC 3230 `sha-256=<base64>`; verified.'),
  'content-digest': z.string().optional().describe('RFC 9530 `sha-256=:<base64>:`; verified.'),
});

const INGEST_STATUS = {
  'too-large': { status: 413, code: ArtifactErrorCodes.UPLOAD_TOO_LARGE },
  'digest-mismatch': { status: 422, code: ArtifactErrorCodes.DIGEST_MISMATCH },
  incomplete: { status: 400, code: ArtifactErrorCodes.UPLOAD_INCOMPLETE },
} as const;

/**
 * An empty body is almost always a broken build step (a file that was never written), and publishing it would bind
 * name@version to nothing for good; a kind may allow it explicitly (ARTIFACT_EMPTY_CONTENT_KINDS).
 */
const emptyContent = (kind: string) =>
  new HttpProblem(
    422,
    ArtifactErrorCodes.CONTENT_EMPTY,
    `The upload is empty; artifacts of kind ${kind} must have content.`,
    { kind },
  );

/** What this slice uses, handed over by its capability's routes. */
export interface UploadArtifactDeps {
  artifacts: ArtifactHandler;
  content: ContentStore;
  policies: Pick<ArtifactPolicies, 'naming' | 'maxUploadBytes' | 'emptyContentKinds'>;
  now: () => Date;
}

/**
 * PUT /artifacts/:name/:version — publish an artifact's bytes (A1, A2). The body is streamed to disk while hashed
 * (never buffered), published under its sha256, and name@version is bound to that digest for good.
 */
export const uploadArtifactRoute: FastifyPluginAsyncZod<UploadArtifactDeps> = async (app, deps) => {
  const { artifacts, content, policies, now } = deps;
  // The raw request stream goes to the handler untouched; the kit's JSON parser stays for the other routes.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  app.put(
    '/artifacts/:name/:version',
    {
      config: { roles: ['developer', 'deployer', 'release-manager'] },
      bodyLimit: policies.maxUploadBytes,
      schema: {
        summary: 'Upload an artifact version (streamed)',
        description:
          'The body is the artifact (application/octet-stream), streamed to content-addressed storage while its ' +
          'sha256 is computed. Metadata travels in headers. 201 on first publication, 200 when the same content ' +
          'was already published under this name@version, 409 (recorded as ArtifactOverwriteRefused) for other content. ' +
          'An empty body is refused (422 ARTIFACT_CONTENT_EMPTY) unless the kind allows empty content.',
        tags: ['artifacts'],
        consumes: ['application/octet-stream'],
        params: ArtifactParams,
        headers: Headers,
        body: z.unknown().describe('The artifact bytes.'),
        response: { 200: ArtifactView, 201: ArtifactView },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const headers = request.headers;
      if (!headers['content-type'].toLowerCase().startsWith('application/octet-stream')) {
        throw new HttpProblem(
          415,
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          'Upload the artifact as application/octet-stream.',
        );
      }
      // Refuse what the body cannot fix before reading a byte of it.
      checkName(policies.naming, headers['x-artifact-kind'], name);
      parseVersion(version);
      const expectedSha256 = declaredSha256(request.raw.headers);
      const length = headers['content-length'];
      const mayBeEmpty = policies.emptyContentKinds?.includes(headers['x-artifact-kind']) ?? false;
      if (length === 0 && !mayBeEmpty) throw emptyContent(headers['x-artifact-kind']);
      if (length !== undefined && length > policies.maxUploadBytes) {
        throw new HttpProblem(
          413,
          ArtifactErrorCodes.UPLOAD_TOO_LARGE,
          `The upload exceeds ${policies.maxUploadBytes} bytes.`,
          {
            limit: policies.maxUploadBytes,
          },
        );
      }
      let stored: Awaited<ReturnType<typeof content.ingest>>;
      try {
        stored = await content.ingest(request.body as Readable, {
          maxBytes: policies.maxUploadBytes,
          ...(expectedSha256 ? { expectedSha256 } : {}),
          ...(length !== undefined ? { expectedSize: length } : {}),
        });
      } catch (error) {
        if (!(error instanceof IngestError)) throw error;
        const { status, code } = INGEST_STATUS[error.reason];
        // The connection may still carry unread bytes (oversized body): close it after answering.
        if (error.reason === 'too-large') reply.header('connection', 'close');
        throw new HttpProblem(status, code, error.message, error.details);
      }
      // A chunked body declares no length: the empty case is only known once read. The empty blob may stay: it is
      // content-addressed and costs nothing, and nothing is registered.
      if (stored.size === 0 && !mayBeEmpty) throw emptyContent(headers['x-artifact-kind']);
      // The idempotency hash covers the content (the stream itself cannot be hashed as JSON).
      request.body = { sha256: stored.sha256 };
      const ctx = commandContext(request, { now: now() });
      const artifactId = artifactIdOf(name, version);
      const result = await artifacts.handle(
        artifactStream(artifactId),
        {
          type: 'RegisterArtifact',
          actor: ctx.actor,
          at: ctx.now,
          artifactId,
          name,
          kind: headers['x-artifact-kind'],
          version,
          sha256: stored.sha256,
          size: stored.size,
          storage: 'internal',
          ...(headers['x-source-commit'] ? { sourceCommit: headers['x-source-commit'] } : {}),
          ...(headers['x-source-repository'] ? { repository: headers['x-source-repository'] } : {}),
          ...(headers['x-pipeline-run'] ? { pipelineRun: headers['x-pipeline-run'] } : {}),
          auditClass: headers['x-audit-class'],
        },
        ctx,
      );
      const state = result.state;
      if (!state.exists) throw new Error('registration left no artifact');
      if (state.sha256 !== stored.sha256) {
        // The refusal was recorded (ArtifactOverwriteRefused). The blob just stored stays: it may be shared by
        // another artifact with the same bytes, and content-addressed blobs are never overwritten or raced on.
        throw new HttpProblem(
          409,
          ArtifactErrorCodes.OVERWRITE_REFUSED,
          `${name}@${state.version} is already published with other content; versions are immutable.`,
          { existingSha256: state.sha256, attemptedSha256: stored.sha256 },
        );
      }
      const created = result.events.some((e) => e.type === 'ArtifactRegistered') && !result.replayed;
      return reply
        .code(created ? 201 : 200)
        .header('location', `/artifacts/${name}/${state.version}`)
        .header('etag', etagOf(result.revision))
        .send(artifactView(state, result.revision));
    },
  );
};
