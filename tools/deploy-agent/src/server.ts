import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { type Behaviour, SimulatedApps } from './app-metrics.js';
import { Fleet } from './fleet.js';
import { callbackIdFor, type StepCallback, StepRequest } from './protocol.js';

export interface DeployAgentOptions {
  /** Verifies orchestration's step requests (`whsec_…` base64, Standard Webhooks). */
  requestSecret: string;
  /** Signs the agent's callbacks. */
  callbackSecret: string;
  /** Delays between callback delivery attempts (default 100 ms, 500 ms, 2 s). */
  callbackRetryMs?: readonly number[];
  logger?: boolean;
}

export interface DeployAgent {
  app: FastifyInstance;
  fleet: Fleet;
  apps: SimulatedApps;
  /** Callbacks delivered, in order (what a test asserts on besides the live state). */
  delivered: { callbackId: string; body: StepCallback; status: number }[];
  /** Starts listening (port 0: any free port on loopback); returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const Target = z.strictObject({ service: z.string().min(1).max(200), environment: z.string().min(1).max(200) });
const Seed = z.strictObject({
  live: z.array(z.strictObject({ version: z.string().min(1).max(256), weight: z.number().int().min(0).max(100) })),
});
const Failure = z.strictObject({
  service: z.string().min(1).max(200),
  environment: z.string().min(1).max(200),
  action: z.string().min(1).max(50).optional(),
  times: z.number().int().min(1).max(1000).default(1),
  detail: z.string().max(2000).default('The agent was told to fail this step.'),
});
const BehaviourBody = z.strictObject({
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  requestsPerScrape: z.number().int().min(0).max(1_000_000).optional(),
  sessions: z.number().int().min(0).max(10_000_000).optional(),
});
const MetricsParams = Target.extend({ version: z.string().min(1).max(256) });

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

function problem(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: code, status, code, detail });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, reply: FastifyReply): z.infer<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problem(reply, 400, 'DEPLOY_AGENT_VALIDATION_FAILED', z.prettifyError(r.error));
  return undefined;
}

/**
 * The reference deploy agent (O7): a real HTTP server that orchestration's webhook driver talks to. It verifies
 * each signed step request, applies it to its fleet model, and posts a signed callback with the step's outcome to
 * the URL the request named. A request id seen before is not applied twice: its callback is sent again, with the
 * same callback id, so the receiver can recognise the replay. It also serves one Prometheus scrape target per
 * version (simulated app instances) whose error rate and latency a test can set.
 */
export function createDeployAgent(options: DeployAgentOptions): DeployAgent {
  const verifier = new Webhook(options.requestSecret);
  const signer = new Webhook(options.callbackSecret);
  const retries = options.callbackRetryMs ?? [100, 500, 2000];
  const fleet = new Fleet();
  const apps = new SimulatedApps();
  const seen = new Map<string, StepCallback>();
  const delivered: DeployAgent['delivered'] = [];
  const pending = new Set<Promise<void>>();
  const app = Fastify({ logger: options.logger ?? false });

  // Signatures cover the exact bytes sent: keep the raw body beside the parsed one.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      const error = Object.assign(new Error('The body is not JSON.'), { statusCode: 400 });
      done(error, undefined);
    }
  });

  async function deliver(url: string, body: StepCallback): Promise<void> {
    const id = callbackIdFor(body.requestId);
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      // Signed at each attempt: the timestamp must be fresh where it lands (Standard Webhooks' tolerance).
      const timestamp = new Date();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signer.sign(id, timestamp, payload),
          },
          body: payload,
        });
        delivered.push({ callbackId: id, body, status: res.status });
        // 4xx other than 429 will not get better by retrying (the receiver refused it for good).
        if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return;
      } catch (err) {
        app.log.warn({ err, url }, 'callback delivery failed');
      }
      const wait = retries[attempt];
      if (wait === undefined) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  function inBackground(work: Promise<void>) {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  app.post('/steps', async (request: FastifyRequest, reply) => {
    const headers = request.headers as Record<string, string>;
    const id = headers['webhook-id'];
    try {
      verifier.verify(request.rawBody ?? '', headers);
    } catch (error) {
      const detail = error instanceof WebhookVerificationError ? error.message : 'Unverifiable request.';
      return problem(reply, 401, 'DEPLOY_AGENT_SIGNATURE_INVALID', detail);
    }
    const body = parse(StepRequest, request.body, reply);
    if (!body || !id) return reply;
    let callback = seen.get(id);
    const replayed = callback !== undefined;
    if (!callback) {
      const outcome = fleet.apply(body);
      callback = {
        requestId: id,
        deploymentId: body.deploymentId,
        step: body.step.step,
        action: body.step.action,
        ...outcome,
      };
      seen.set(id, callback);
    }
    inBackground(deliver(body.callbackUrl, callback));
    return reply.code(202).send({ accepted: true, requestId: id, replayed });
  });

  app.get('/live/:service/:environment', async (request, reply) => {
    const p = parse(Target, request.params, reply);
    if (!p) return reply;
    return fleet.target(p.service, p.environment);
  });
  app.get('/live', async () => ({ items: fleet.list() }));

  app.put('/control/live/:service/:environment', async (request, reply) => {
    const p = parse(Target, request.params, reply);
    const b = p && parse(Seed, request.body, reply);
    if (!p || !b) return reply;
    return fleet.seed(p.service, p.environment, b.live);
  });
  app.post('/control/failures', async (request, reply) => {
    const b = parse(Failure, request.body, reply);
    if (!b) return reply;
    fleet.injectFailure(b);
    return reply.code(201).send(b);
  });
  app.put('/control/metrics/:service/:environment/:version', async (request, reply) => {
    const p = parse(MetricsParams, request.params, reply);
    const b = p && parse(BehaviourBody, request.body, reply);
    if (!p || !b) return reply;
    return apps.setBehaviour(p.service, p.environment, p.version, b as Partial<Behaviour>);
  });
  app.get('/metrics/:service/:environment/:version', async (request, reply) => {
    const p = parse(MetricsParams, request.params, reply);
    if (!p) return reply;
    const weight = fleet.weightOf(p.service, p.environment, p.version);
    const text = await apps.scrape(p.service, p.environment, p.version, weight);
    return reply.type(apps.contentType()).send(text);
  });
  app.get('/health', async () => ({ status: 'ok' }));

  return {
    app,
    fleet,
    apps,
    delivered,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    async close() {
      await app.close();
      await Promise.allSettled([...pending]);
    },
  };
}
