import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import type pg from 'pg';
import { z } from 'zod';
import { loadPolicy, PolicyParams } from '../policy-store.js';

const Lifecycle = z.enum([
  'planned',
  'frozen',
  'released',
  'rolled-back',
  'cancelled',
  'deployment-requested',
  'deployed',
]);
const GovernedRelease = z.object({
  releaseId: z.string(),
  name: z.string(),
  status: z.string(),
  events: z
    .array(z.object({ event: Lifecycle, at: z.string(), deploymentId: z.string().nullable() }))
    .describe("The release's lifecycle moments that fell while this version was in force."),
});

export interface GovernedReleasesDeps {
  store: EventStore;
  pool: pg.Pool;
}

// A release's lifecycle moments, from the reporting facts governance folds from planning's and orchestration's events
// (never their tables): the release's own transitions and its deployments' requests and successes.
const GOVERNED = `
  WITH moments AS (
    SELECT r.release_id, m.event, m.at, NULL::uuid AS deployment_id
    FROM reporting.releases r
    CROSS JOIN LATERAL (VALUES ('planned', r.planned_at), ('frozen', r.frozen_at), ('released', r.released_at),
                               ('rolled-back', r.rolled_back_at), ('cancelled', r.cancelled_at)) AS m(event, at)
    UNION ALL
    SELECT d.release_id, m.event, m.at, d.deployment_id
    FROM reporting.deployments d
    CROSS JOIN LATERAL (VALUES ('deployment-requested', d.requested_at), ('deployed', d.deployed_at)) AS m(event, at)
    WHERE d.release_id IS NOT NULL
  )
  SELECT r.release_id, r.name, r.status,
         json_agg(json_build_object('event', m.event, 'at', m.at, 'deploymentId', m.deployment_id)
                  ORDER BY m.at, m.event) AS events
  FROM moments m JOIN reporting.releases r USING (release_id)
  WHERE m.at IS NOT NULL AND m.at >= $1 AND ($2::timestamptz IS NULL OR m.at < $2)
  GROUP BY r.release_id, r.name, r.status, r.planned_at
  ORDER BY r.planned_at, r.release_id`;

/**
 * GET /policies/:name/versions/:version/releases — the releases a version governed: those with a lifecycle moment
 * (planned, frozen, a deployment requested or live, released, rolled back, cancelled) while it was in force, from its
 * publication until the next version's.
 */
export const governedReleasesRoute: FastifyPluginAsyncZod<GovernedReleasesDeps> = async (app, { store, pool }) => {
  app.get(
    '/policies/:name/versions/:version/releases',
    {
      config: { roles: ['release-manager', 'admin', 'auditor', 'analyst', 'cab-member'] },
      schema: {
        summary: 'The releases a policy version governed',
        tags: ['policies'],
        params: PolicyParams.extend({ version: z.coerce.number().int().min(1) }),
        response: {
          200: z.object({
            policyName: z.string(),
            version: z.number().int(),
            from: z.string(),
            until: z.string().nullable(),
            releases: z.array(GovernedRelease),
          }),
        },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const { state } = await loadPolicy(store, name);
      if (state.versions.length === 0) throw notFound(Codes.POLICY_NOT_FOUND, `No policy named ${name}.`);
      const found = state.versions.find((v) => v.version === version);
      if (!found) throw notFound(Codes.POLICY_VERSION_NOT_FOUND, `Policy ${name} has no version ${version}.`);
      const until = state.versions.find((v) => v.version === version + 1)?.publishedAt ?? null;
      const { rows } = await pool.query(GOVERNED, [found.publishedAt, until]);
      return {
        policyName: name,
        version,
        from: found.publishedAt,
        until,
        releases: rows.map((r) => ({
          releaseId: r.release_id,
          name: r.name,
          status: r.status,
          events: (r.events as { event: z.infer<typeof Lifecycle>; at: string; deploymentId: string | null }[]).map(
            (e) => ({ ...e, at: new Date(e.at).toISOString() }),
          ),
        })),
      };
    },
  );
};
