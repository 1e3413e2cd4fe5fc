import { GovernanceErrorCodes as Codes, notFound } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { etagOf, type FastifyPluginAsyncZod, type Role } from '@railyard/service-kit';
import { z } from 'zod';
import { loadPolicy, PolicyParams, PolicyVersionView, policyVersionView } from '../policy-store.js';

const roles: Role[] = [
  'release-manager',
  'admin',
  'auditor',
  'analyst',
  'developer',
  'deployment-lead',
  'sre',
  'cab-member',
];

/** GET /policies/:name/versions and /policies/:name/versions/:version — a policy's history, folded from its stream. */
export const policyVersionsRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  const load = async (name: string) => {
    const loaded = await loadPolicy(store, name);
    if (loaded.state.versions.length === 0) throw notFound(Codes.POLICY_NOT_FOUND, `No policy named ${name}.`);
    return loaded;
  };
  app.get(
    '/policies/:name/versions',
    {
      config: { roles },
      schema: {
        summary: "A deployment policy's versions",
        tags: ['policies'],
        params: PolicyParams,
        response: {
          200: z.object({ policyName: z.string(), current: z.number().int(), versions: z.array(PolicyVersionView) }),
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const { state, revision } = await load(name);
      return reply.header('etag', etagOf(revision)).send({
        policyName: name,
        current: state.versions.length,
        versions: state.versions.map((v) => policyVersionView(name, state.versions, v)),
      });
    },
  );
  app.get(
    '/policies/:name/versions/:version',
    {
      config: { roles },
      schema: {
        summary: 'One version of a deployment policy',
        tags: ['policies'],
        params: PolicyParams.extend({ version: z.coerce.number().int().min(1) }),
        response: { 200: PolicyVersionView },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const { state } = await load(name);
      const found = state.versions.find((v) => v.version === version);
      if (!found) throw notFound(Codes.POLICY_VERSION_NOT_FOUND, `Policy ${name} has no version ${version}.`);
      return policyVersionView(name, state.versions, found);
    },
  );
};
