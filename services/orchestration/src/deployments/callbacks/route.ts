import {
  type Actor,
  OrchestrationErrorCodes as Codes,
  deploymentStream,
  ErrorCodes,
  notFound,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import { type FastifyPluginAsyncZod, HttpProblem, type Logger } from '@railyard/service-kit';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import type { DeploymentCommands } from '../deployment-store.js';
import { loadDeployment } from '../deployment-store.js';
import type { DeploymentExecutor } from '../execution/executor.js';

/** The deploy agent, as the actor of what its callbacks record. */
export const AGENT_ACTOR: Actor = { id: 'deploy-agent', kind: 'system', roles: [] };

/** Standard Webhooks' tolerance: a timestamp further than this from our clock is refused (replays, skew). */
const TOLERANCE_SECONDS = 5 * 60;

const Body = z.strictObject({
  requestId: z.string().min(1).max(200),
  deploymentId: z.uuid(),
  step: z.number().int().min(0),
  action: z.string().min(1).max(50),
  outcome: z.enum(['succeeded', 'failed']),
  live: z.strictObject({ version: z.string().min(1).max(256), weight: z.number().int().min(0).max(100) }).nullable(),
  detail: z.string().max(2000),
});
const Answer = z.object({
  recorded: z.boolean().describe('false: a replayed callback (its webhook-id was recorded before); nothing changed.'),
  status: z.string().describe("The deployment's status after the callback."),
});
const Headers = z.object({
  'webhook-id': z.string().max(200).optional(),
  'webhook-timestamp': z.string().max(20).optional(),
  'webhook-signature': z.string().max(2000).optional(),
});

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const unauthorized = (code: string, detail: string) => new HttpProblem(401, code, detail);

/**
 * POST /deployments/callbacks — the deploy agent's signed answer to a step (O7). Authenticated by its Standard
 * Webhooks signature (`standardwebhooks`, secret shared with the agent), not by a bearer token: a missing or bad
 * signature, or a timestamp more than 5 minutes off, is 401 and changes nothing; a replayed `webhook-id` is 200 with
 * `recorded: false`; an outcome for a step that was never started is 409. The signature is checked on the raw body,
 * before the body is validated, so an unsigned caller learns nothing about the shape.
 */
export const deploymentCallbacksRoute: FastifyPluginAsyncZod<{
  store: EventStore;
  commands: DeploymentCommands;
  executor: DeploymentExecutor;
  secret: string;
  now: () => Date;
  logger: Logger;
}> = async (app, deps) => {
  const verifier = new Webhook(deps.secret);
  // The signature covers the exact bytes received: in this plugin only, JSON is parsed from a kept string.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      // The kit's code for a body that is not JSON (its own parser's, FST_ERR_CTP_INVALID_JSON_BODY).
      done(new HttpProblem(400, ErrorCodes.MALFORMED_JSON, 'The body is not JSON.'), undefined);
    }
  });
  app.post(
    '/deployments/callbacks',
    {
      config: { public: true },
      schema: {
        summary: "The deploy agent's signed callback for a step",
        description: 'Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).',
        tags: ['deployments'],
        headers: Headers,
        body: Body,
        response: { 200: Answer },
      },
      preValidation: async (request) => {
        const h = request.headers as Record<string, string | undefined>;
        const id = h['webhook-id'];
        const timestamp = h['webhook-timestamp'];
        const signature = h['webhook-signature'];
        if (!id || !timestamp || !signature) {
          throw unauthorized(
            Codes.CALLBACK_SIGNATURE_INVALID,
            'The callback is not signed (Standard Webhooks headers).',
          );
        }
        const seconds = Number(timestamp);
        // Wall clock on purpose: the tolerance is about the signer's clock and ours, not the service's test clock.
        if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > TOLERANCE_SECONDS) {
          throw unauthorized(Codes.CALLBACK_TIMESTAMP_STALE, 'The callback timestamp is more than 5 minutes off.');
        }
        try {
          verifier.verify(request.rawBody ?? '', {
            'webhook-id': id,
            'webhook-timestamp': timestamp,
            'webhook-signature': signature,
          });
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          throw unauthorized(Codes.CALLBACK_SIGNATURE_INVALID, 'The callback signature does not verify.');
        }
      },
    },
    async (request, reply) => {
      const b = request.body;
      const callbackId = (request.headers as Record<string, string>)['webhook-id']!;
      const { state, events } = await loadDeployment(deps.store, b.deploymentId);
      if (!state.exists) throw notFound(Codes.DEPLOYMENT_NOT_FOUND, 'No such deployment.');
      const startedAt = events.find((e) => e.type === 'DeploymentStarted')?.metadata.occurredAt;
      const result = await deps.commands.handle(
        deploymentStream(b.deploymentId),
        {
          type: 'CompleteStep',
          requestId: b.requestId,
          step: b.step,
          callbackId,
          outcome: b.outcome,
          live: b.live,
          detail: b.detail,
          startedAt: startedAt ?? state.requestedAt,
        },
        {
          actor: AGENT_ACTOR,
          now: deps.now(),
          correlationId: events[0]?.metadata.correlationId ?? callbackId,
          causationId: events.at(-1)?.id,
        },
      );
      const recorded = result.events.length > 0;
      // The next step goes out now rather than at the scheduler's next pass.
      if (recorded) {
        deps.executor
          .advance(b.deploymentId)
          .catch((err) => deps.logger.warn({ err, deploymentId: b.deploymentId }, 'deployment pass failed'));
      }
      const status = result.state.exists ? result.state.status : 'unknown';
      return reply.send({ recorded, status });
    },
  );
};
