import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Actor } from '@railyard/contracts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { type AuthConfig, assertRole, createAuthenticator } from './auth.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { createLogger, type Logger } from './logging.js';
import { httpTrafficRecorder, installMetrics, metricsRegistry } from './metrics.js';
import { createOpenApiConventions, echoCorrelation } from './openapi-conventions.js';
import { installProblemHandlers } from './problem.js';
import { installRateLimit, type RateLimitConfig } from './rate-limit.js';
import { installStorableTextRule } from './storable-text.js';
import { currentTelemetry } from './telemetry.js';

export type { FastifyPluginAsyncZod, FastifyPluginCallbackZod, ZodTypeProvider } from 'fastify-type-provider-zod';
export { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';

/** A service's fastify instance, typed for zod route schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppDeps {
  serviceName: string;
  version: string;
  auth: AuthConfig;
  /** Named readiness checks run by `/health/ready` (store, NATS, Postgres …). */
  readiness?: Record<string, ReadinessCheck>;
  logger?: Logger;
  /** Where `/metrics` reads from and HTTP metrics go; defaults to the process-wide metricsRegistry. */
  metrics?: Registry;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Per-check readiness timeout (default 2 s). */
  readinessTimeoutMs?: number;
  /** Requests per principal (or IP, unauthenticated) per window, 429 beyond; omitted or false: no limit. */
  rateLimit?: RateLimitConfig | false;
  /** The OpenAPI `servers` (default: the service itself, relative to where the document is served). */
  servers?: readonly { url: string; description?: string }[];
}

const PUBLIC_PREFIXES = ['/docs'];

/**
 * Builds the service's fastify instance with the kit's conventions (zod, problem+json, auth, health, metrics,
 * OpenAPI, tracing). It never listens: main() does, tests use inject. Register route plugins on the result.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const logger = deps.logger ?? createLogger({ name: deps.serviceName });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    // One access line per request (below) instead of fastify's two: logging is a visible share of a command's cost.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  // The per-request hooks below are callback-style, not async: an async hook costs a promise and a microtask turn
  // per request, visible on the cheapest routes (an OFREP evaluation). For the same reason there is one hook per
  // stage: the access log and the metrics share this one, the correlation echo and authentication the one below.
  const recordTraffic = httpTrafficRecorder(deps.metrics ?? metricsRegistry);
  app.addHook('onResponse', (request, reply, done) => {
    // Read once in onRequest (below); fastify builds `routeOptions` anew, a 13-field object, on every read.
    const { url, config } = request.routeFacts ?? request.routeOptions;
    recordTraffic(request, reply, url);
    const quiet = config?.accessLog === 'debug' || request.url.startsWith('/health/') || request.url === '/metrics';
    const level = quiet ? 'debug' : 'info';
    // Checked first: a line that will not be written costs no object either.
    const log = request.log as FastifyBaseLogger & { isLevelEnabled?(level: string): boolean };
    if (log.isLevelEnabled?.(level) ?? true) {
      log[level](
        {
          method: request.method,
          route: url ?? request.url,
          statusCode: reply.statusCode,
          responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
          actor: request.actor?.id,
        },
        'request completed',
      );
    }
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A JSON API: text/plain bodies are unsupported media (415) rather than strings that fail validation.
  app.removeContentTypeParser('text/plain');

  const telemetry = currentTelemetry();
  if (telemetry) await app.register(telemetry.fastifyInstrumentation.plugin());

  installProblemHandlers(app, deps.serviceName);
  installStorableTextRule(app);
  const conventions = createOpenApiConventions(
    deps.serviceName,
    deps.servers ?? [{ url: '/', description: `the ${deps.serviceName} service that serves this document` }],
  );
  app.addHook('onRoute', conventions.collect);
  app.addHook('onRoute', (route) => {
    // Plugin-made routes (the docs UI) cannot carry our config, so mark them public by prefix.
    if (PUBLIC_PREFIXES.some((p) => route.url === p || route.url.startsWith(`${p}/`))) {
      route.config = { ...route.config, public: true, otel: false };
    }
  });

  const authenticate = createAuthenticator(deps.auth);
  const rateLimit = deps.rateLimit || undefined;
  const deferredAuthErrors = new WeakMap<object, unknown>();
  app.decorateRequest('actor', null);
  app.decorateRequest('routeFacts', null);
  // Authenticate before the body is read: an anonymous caller cannot make us parse a megabyte.
  app.addHook('onRequest', (request, reply, done) => {
    // First, so a 401 or 404 echoes the correlation id too.
    echoCorrelation(request, reply);
    const route = request.routeOptions;
    request.routeFacts = route;
    const { config } = route;
    // No url: the not-found handler answers (fastify's own is404 test, without building its getter's object).
    if (route.url === undefined || config.public) return done();
    const admit = (actor: Actor) => {
      request.actor = actor;
      if (config.roles) assertRole(actor, config.roles);
    };
    const refuse = (error: unknown) => {
      // With a rate limit, the refusal waits until the caller's IP has been counted (the limiter runs next), so
      // failed credentials are throttled like any other request.
      if (!rateLimit) return done(error as Error);
      deferredAuthErrors.set(request, error);
      done();
    };
    let actor: Actor | Promise<Actor>;
    try {
      actor = authenticate(request);
      if (!(actor instanceof Promise)) {
        admit(actor);
        return done();
      }
    } catch (error) {
      return refuse(error);
    }
    actor.then((verified) => {
      try {
        admit(verified);
      } catch (error) {
        return refuse(error);
      }
      done();
    }, refuse);
  });
  if (rateLimit) {
    await installRateLimit(app, rateLimit);
    // Still before the body is read (preParsing), so a refused caller cannot make us parse a megabyte either.
    app.addHook('preParsing', async (request) => {
      if (deferredAuthErrors.has(request)) throw deferredAuthErrors.get(request);
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: deps.serviceName, version: deps.version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      conventions.document(jsonSchemaTransformObject(input) as Parameters<typeof conventions.document>[0]) as never,
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true, otel: false } }, async () =>
    app.swagger(),
  );
  await app.register(swaggerUi, { routePrefix: '/docs' });

  installMetrics(app, deps.metrics ?? metricsRegistry);
  installHealth(app, deps.readiness ?? {}, {
    serviceName: deps.serviceName,
    version: deps.version,
    timeoutMs: deps.readinessTimeoutMs,
  });
  return app;
}
