import { ArtifactErrorCodes } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod, HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';
import { ArtifactParams, ArtifactView, artifactView } from '../../artifacts/artifact-view.js';
import type { ArtifactCommand } from '../../artifacts/domain/artifact.decide.js';
import { type ArtifactHandler, artifactIdOf, artifactStream } from '../../artifacts/domain/artifact-identity.js';
import type { ArtifactPolicies } from '../../policies.js';
import { CycloneDxSbom, licensesOfSbom } from '../cyclonedx.js';
import { evaluateLicense } from '../license-policy.js';

const count = z.number().int().min(0).max(1_000_000);
const tool = z.string().trim().min(1).max(100);

const Body = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('static-analysis'),
    tool,
    findings: z.strictObject({ critical: count, high: count, medium: count, low: count, info: count.default(0) }),
  }),
  z.strictObject({
    kind: z.literal('vulnerabilities'),
    tool,
    counts: z.strictObject({ critical: count, high: count, medium: count, low: count }),
  }),
  z.strictObject({
    kind: z.literal('licenses'),
    tool,
    components: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(300),
          version: z.string().max(100).optional(),
          license: z.string().min(1).max(500).describe('An SPDX license expression.'),
        }),
      )
      .min(1)
      .max(50_000)
      .optional(),
    sbom: CycloneDxSbom.optional().describe('A CycloneDX SBOM (JSON) instead of `components`.'),
  }),
]);

/** What this slice uses, handed over by its capability's routes. */
export interface AttachScanDeps {
  artifacts: ArtifactHandler;
  policies: Pick<ArtifactPolicies, 'licenses'>;
  now: () => Date;
}

/** POST /artifacts/:name/:version/scans — attach static-analysis, vulnerability or license results (A3). */
export const attachScanRoute: FastifyPluginAsyncZod<AttachScanDeps> = async (app, { artifacts, policies, now }) => {
  app.post(
    '/artifacts/:name/:version/scans',
    {
      // Scan results carry SBOMs, which outgrow the kit's 1 MiB default.
      bodyLimit: 16 * 1024 * 1024,
      config: { roles: ['developer', 'sre', 'release-manager'] },
      schema: {
        summary: 'Attach quality results (static analysis, vulnerabilities, licenses / CycloneDX SBOM)',
        tags: ['quality'],
        params: ArtifactParams,
        body: Body,
        response: { 201: ArtifactView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const ctx = commandContext(request, { now: now() });
      const issued = { actor: ctx.actor, at: ctx.now };
      let command: ArtifactCommand;
      if (body.kind === 'static-analysis') {
        command = { type: 'AttachStaticAnalysis', ...issued, tool: body.tool, findings: body.findings };
      } else if (body.kind === 'vulnerabilities') {
        command = { type: 'AttachVulnerabilityScan', ...issued, tool: body.tool, counts: body.counts };
      } else {
        if (!body.components === !body.sbom) {
          throw new HttpProblem(400, ArtifactErrorCodes.SBOM_INVALID, 'Give exactly one of components and sbom.');
        }
        const found = body.components ?? licensesOfSbom(body.sbom!);
        command = {
          type: 'AttachLicenseScan',
          ...issued,
          scan: {
            tool: body.tool,
            source: body.sbom ? 'cyclonedx' : 'components',
            policy: { allow: [...policies.licenses.allow], deny: [...policies.licenses.deny] },
            components: found.map((c) => ({ ...c, ...evaluateLicense(c.license, policies.licenses) })),
          },
        };
      }
      const { name, version } = request.params;
      const result = await artifacts.handle(artifactStream(artifactIdOf(name, version)), command, ctx);
      if (!result.state.exists) throw new Error('unreachable: scans attach to registered artifacts only');
      return reply.code(201).header('etag', etagOf(result.revision)).send(artifactView(result.state, result.revision));
    },
  );
};
