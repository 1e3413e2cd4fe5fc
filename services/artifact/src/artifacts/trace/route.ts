import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { LoadArtifact } from '../../artifacts/domain/artifact-identity.js';
import { ArtifactParams } from '../artifact-view.js';

const At = z.object({ at: z.string(), by: z.string() });
const Trace = z.object({
  source: z.object({
    commit: z.string().nullable(),
    repository: z.string().nullable(),
    pipelineRun: z.string().nullable(),
  }),
  artifact: z.object({
    name: z.string(),
    version: z.string(),
    sha256: z.string(),
    registeredAt: z.string(),
    registeredBy: z.string(),
  }),
  scans: z.array(At.extend({ type: z.string(), tool: z.string() })),
  signatures: z.array(At.extend({ keyId: z.string() })),
  promotions: z.array(At.extend({ stage: z.string() })),
  deployments: z
    .array(z.object({ environment: z.string(), at: z.string() }))
    .describe('Learned from the orchestration service events once it publishes them; empty until then.'),
  overwriteAttempts: z.array(At.extend({ attemptedSha256: z.string() })),
});

/** What this slice uses, handed over by its capability's routes. */
export interface TraceDeps {
  loadArtifact: LoadArtifact;
}

/** GET /artifacts/:name/:version/trace — commit → artifact → promotions (A1), from the artifact's own events. */
export const traceRoute: FastifyPluginAsyncZod<TraceDeps> = async (app, deps) => {
  app.get(
    '/artifacts/:name/:version/trace',
    {
      schema: {
        summary: 'Trace an artifact: commit → artifact → promotions',
        tags: ['artifacts'],
        params: ArtifactParams,
        response: { 200: Trace },
      },
    },
    async (request) => {
      const { artifact, events } = await deps.loadArtifact(request.params.name, request.params.version);
      const when = (e: (typeof events)[number]) => ({ at: e.metadata.occurredAt, by: e.metadata.actor.id });
      const registered = events.find((e) => e.type === 'ArtifactRegistered')!;
      return {
        source: {
          commit: artifact.sourceCommit ?? null,
          repository: artifact.repository ?? null,
          pipelineRun: artifact.pipelineRun ?? null,
        },
        artifact: {
          name: artifact.name,
          version: artifact.version,
          sha256: artifact.sha256,
          registeredAt: registered.metadata.occurredAt,
          registeredBy: registered.metadata.actor.id,
        },
        scans: events
          .filter((e) => e.type.endsWith('Attached'))
          .map((e) => ({ ...when(e), type: e.type, tool: e.data.tool as string })),
        signatures: events
          .filter((e) => e.type === 'ArtifactSigned')
          .map((e) => ({ ...when(e), keyId: e.data.keyId as string })),
        promotions: events
          .filter((e) => e.type === 'ArtifactPromoted')
          .map((e) => ({ ...when(e), stage: e.data.stage as string })),
        deployments: [],
        overwriteAttempts: events
          .filter((e) => e.type === 'ArtifactOverwriteRefused')
          .map((e) => ({ ...when(e), attemptedSha256: e.data.attemptedSha256 as string })),
      };
    },
  );
};
