import { notFound, PipelineErrorCodes, SecurityRule } from '@railyard/contracts';
import { type EventStore, newAggregateId } from '@railyard/eventstore';
import { commandContext, etagOf, type FastifyPluginAsyncZod, schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { exceptionActive } from '../domain/security-gate.js';
import type { SecurityPolicyState } from '../domain/security-policy.decide.js';
import { loadPolicy, policyIdOf, policyStream, type SecurityPolicyCommands } from '../gate-commands.js';

const Params = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,99}$/) });
const ExceptionParams = Params.extend({ exceptionId: z.uuid() });
const reason = z.string().trim().min(1).max(1000).optional();
const PolicyView = schemaComponent(
  'SecurityPolicy',
  z.object({
    name: z.string(),
    version: z.number().int(),
    rules: z.array(SecurityRule),
    exceptions: z.array(
      z.object({
        exceptionId: z.string(),
        findingId: z.string(),
        expiresAt: z.string(),
        requestedBy: z.string(),
        approvedBy: z.string().nullable(),
        active: z.boolean().describe('Approved and not expired, now.'),
      }),
    ),
  }),
);

function view(state: SecurityPolicyState, now: Date) {
  if (!state.exists) throw notFound(PipelineErrorCodes.POLICY_NOT_FOUND, 'No such security policy.');
  return {
    ...state.current,
    exceptions: state.exceptions.map((e) => ({
      ...e,
      approvedBy: e.approvedBy ?? null,
      active: exceptionActive(e, now),
    })),
  };
}

/** Versioned security policies in CEL and their time-boxed exceptions (L4). */
export interface SecurityPolicyDeps {
  commands: SecurityPolicyCommands;
  store: EventStore;
  now: () => Date;
}

export const securityPolicyRoutes: FastifyPluginAsyncZod<SecurityPolicyDeps> = async (app, deps) => {
  const respond = { 200: PolicyView };
  app.put(
    '/security-policies/:name',
    {
      config: { roles: ['sre', 'release-manager'] },
      schema: {
        summary: 'Publish a new version of a security policy (CEL rules over findings)',
        tags: ['gates'],
        params: Params,
        body: z.strictObject({ rules: z.array(SecurityRule).min(1).max(100), reason }),
        response: respond,
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { name } = request.params;
      const command = {
        type: 'VersionPolicy' as const,
        actor: ctx.actor,
        at: ctx.now,
        policyId: policyIdOf(name),
        name,
        ...request.body,
      };
      const result = await deps.commands.handle(policyStream(name), command, ctx);
      return reply.header('etag', etagOf(result.revision)).send(view(result.state, ctx.now));
    },
  );
  app.get(
    '/security-policies/:name',
    { schema: { summary: 'A security policy and its exceptions', tags: ['gates'], params: Params, response: respond } },
    async (request) => view(await loadPolicy(deps.store, request.params.name), deps.now()),
  );
  app.post(
    '/security-policies/:name/exceptions',
    {
      config: { roles: ['developer', 'sre', 'release-manager'] },
      schema: {
        summary: 'Request a time-boxed exception for one finding',
        tags: ['gates'],
        params: Params,
        body: z.strictObject({
          findingId: z.string().min(1).max(200),
          justification: z.string().trim().min(1).max(2000),
          expiresAt: z.iso.datetime({ offset: true }),
        }),
        response: { 201: PolicyView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { findingId, justification, expiresAt } = request.body;
      const exceptionId = newAggregateId(ctx, 'securityException');
      const command = {
        type: 'RequestException' as const,
        actor: ctx.actor,
        at: ctx.now,
        exceptionId,
        findingId,
        justification,
        expiresAt: new Date(expiresAt),
      };
      const result = await deps.commands.handle(policyStream(request.params.name), command, ctx);
      return reply
        .code(201)
        .header('etag', etagOf(result.revision))
        .header('location', `/security-policies/${request.params.name}/exceptions/${exceptionId}`)
        .send(view(result.state, ctx.now));
    },
  );
  app.post(
    '/security-policies/:name/exceptions/:exceptionId/approve',
    {
      config: { roles: ['approver', 'sre'] },
      schema: {
        summary: 'Approve an exception (not by its requester)',
        tags: ['gates'],
        params: ExceptionParams,
        body: z.strictObject({ reason }).nullish(),
        response: respond,
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const { name, exceptionId } = request.params;
      const command = {
        type: 'ApproveException' as const,
        actor: ctx.actor,
        at: ctx.now,
        exceptionId,
        reason: request.body?.reason,
      };
      const result = await deps.commands.handle(policyStream(name), command, ctx);
      return reply.header('etag', etagOf(result.revision)).send(view(result.state, ctx.now));
    },
  );
};
