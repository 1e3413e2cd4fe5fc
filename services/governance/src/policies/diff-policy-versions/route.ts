import { GovernanceErrorCodes as Codes, notFound, PolicyReason } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
// microdiff: a maintained, dependency-free structural diff of plain JSON values that answers a flat list of
// CREATE/REMOVE/CHANGE entries with their paths — exactly what a reader of a policy change needs, without
// jsondiffpatch's delta format (made for patching, not reading) or its text-diff dependency.
import diff from 'microdiff';
import { z } from 'zod';
import { loadPolicy, PolicyParams } from '../policy-store.js';

const Change = z.object({
  type: z.enum(['CREATE', 'REMOVE', 'CHANGE']),
  path: z
    .array(z.union([z.string(), z.number()]))
    .describe('Where in the document, e.g. ["tiers","prod","requiredChecks",2].'),
  oldValue: z.unknown().optional(),
  value: z.unknown().optional(),
});

function comparePaths(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === 'number' && typeof b[i] === 'number') return (a[i] as number) - (b[i] as number);
    return String(a[i]) < String(b[i]) ? -1 : 1;
  }
  return a.length - b.length;
}

const Query = z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });

/** GET /policies/:name/diff?from=&to= — what changed in the document between two versions, and why (G3). */
export const diffPolicyVersionsRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/policies/:name/diff',
    {
      config: { roles: ['release-manager', 'admin', 'auditor', 'analyst', 'developer', 'deployment-lead', 'sre'] },
      schema: {
        summary: 'The diff between two versions of a deployment policy',
        tags: ['policies'],
        params: PolicyParams,
        querystring: Query,
        response: {
          200: z.object({
            policyName: z.string(),
            from: z.number().int(),
            to: z.number().int(),
            changes: z.array(Change),
            reasons: z
              .array(z.object({ version: z.number().int(), reason: PolicyReason }))
              .describe('The reasons of the versions after `from` up to `to` (what brought the changes).'),
          }),
        },
      },
    },
    async (request) => {
      const { name } = request.params;
      const { from, to } = request.query;
      const { state } = await loadPolicy(store, name);
      if (state.versions.length === 0) throw notFound(Codes.POLICY_NOT_FOUND, `No policy named ${name}.`);
      const at = (v: number) => {
        const found = state.versions.find((x) => x.version === v);
        if (!found) throw notFound(Codes.POLICY_VERSION_NOT_FOUND, `Policy ${name} has no version ${v}.`);
        return found;
      };
      const a = at(from);
      const b = at(to);
      const [lo, hi] = from <= to ? [from, to] : [to, from];
      return {
        policyName: name,
        from,
        to,
        // In path order: documents come back from jsonb with their keys reordered, so microdiff's own order (that of
        // the keys) would differ between a document as sent and as stored.
        changes: diff(a.document, b.document).sort((x, y) => comparePaths(x.path, y.path)),
        reasons: state.versions
          .filter((v) => v.version > lo && v.version <= hi)
          .map((v) => ({ version: v.version, reason: v.reason })),
      };
    },
  );
};
