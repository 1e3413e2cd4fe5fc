import { DomainError, type DomainErrorKind, ErrorCodes, integrityBrokenCode } from '@railyard/contracts';
import type { StreamIntegrityError } from '@railyard/eventstore';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isConnectionFailure } from './outage.js';
import { schemaComponent } from './schema-components.js';

/**
 * The RFC 9457 body every error response carries; `code` is the stable ErrorCodes value clients branch on. Every
 * service's OpenAPI document names it `Problem`, and each error response refers to it.
 */
export const ProblemDetails = schemaComponent(
  'Problem',
  z
    .looseObject({
      type: z.string().meta({ examples: ['urn:railyard:problem:RAILYARD_REQUEST_INVALID'] }),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      instance: z.string(),
      code: z.string().describe('A stable `SERVICE_THING_REASON` code.'),
    })
    .describe('RFC 9457 problem details; `code` is the stable error code clients branch on.'),
);
export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error the kit or a route raises to answer with a given status and code (auth, preconditions, readiness). */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const KIND_STATUS: Record<DomainErrorKind, number> = {
  validation: 422,
  'not-found': 404,
  'rule-violated': 409,
  concurrency: 409,
  precondition: 412,
};

/** The HTTP status a domain error kind maps to. */
export const statusOfDomainError = (kind: DomainErrorKind): number => KIND_STATUS[kind];

/** Builds a problem body; details are extension members and never override the standard ones. */
export function problemBody(
  status: number,
  code: string,
  detail: string,
  instance: string,
  details?: Record<string, unknown>,
): ProblemDetails {
  return {
    ...details,
    type: `urn:railyard:problem:${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    instance,
    code,
  };
}

/** Sends a problem+json response (a pre-serialized string, so no route response schema can reshape it). */
export function sendProblem(reply: FastifyReply, body: ProblemDetails, headers?: Record<string, string>) {
  if (headers) reply.headers(headers);
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

interface Issue {
  path: string;
  message: string;
}

/** Flattens zod issues into path + message pairs; an unknown key becomes one issue per key, at that key's path. */
function validationIssues(error: FastifyError & { validation: unknown[] }, context: string): Issue[] {
  if (!hasZodFastifySchemaValidationErrors(error)) {
    return error.validation.map((v) => {
      const item = v as { instancePath?: string; message?: string };
      return { path: `${context}${item.instancePath ?? ''}`, message: item.message ?? 'invalid' };
    });
  }
  const issues: Issue[] = [];
  for (const v of error.validation) {
    const base = `${context}${v.instancePath === '/' ? '' : v.instancePath}`;
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) issues.push({ path: `${base}/${String(key)}`, message: `unknown field "${key}"` });
    } else {
      issues.push({ path: base, message: v.message ?? 'invalid' });
    }
  }
  return issues;
}

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCodes.MALFORMED_JSON },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCodes.MALFORMED_JSON },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCodes.BODY_TOO_LARGE },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ErrorCodes.UNSUPPORTED_MEDIA_TYPE },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ErrorCodes.VALIDATION_FAILED },
};

const STATUS_CODES: Record<number, string> = {
  400: ErrorCodes.VALIDATION_FAILED,
  401: ErrorCodes.UNAUTHENTICATED,
  403: ErrorCodes.FORBIDDEN,
  404: ErrorCodes.NOT_FOUND,
  405: ErrorCodes.METHOD_NOT_ALLOWED,
  413: ErrorCodes.BODY_TOO_LARGE,
  415: ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCodes.RATE_LIMITED,
  503: ErrorCodes.NOT_READY,
};

/**
 * Recognised by name, not instanceof: a value import of @railyard/eventstore would load the pg driver with the kit,
 * before main() starts telemetry, and pg would then go untraced.
 */
const isStreamIntegrityError = (error: unknown): error is StreamIntegrityError =>
  error instanceof Error && error.name === 'StreamIntegrityError' && 'streamId' in error && 'revision' in error;

/**
 * A tampered stream: answered with a 500 that says so (never the tampered value) and logged as an error for the
 * on-call engineer, with the stream and the first bad revision but not the events (they may hold personal data).
 */
function integrityProblem(error: StreamIntegrityError, request: FastifyRequest, reply: FastifyReply, service: string) {
  request.log.error(
    { streamId: error.streamId, revision: error.revision.toString(), reason: error.reason },
    'event stream integrity broken: refusing to serve it',
  );
  return sendProblem(
    reply,
    problemBody(
      500,
      integrityBrokenCode(service),
      'The history of this resource failed its integrity check; it is not served. The incident has been logged.',
      request.url,
      { requestId: request.id },
    ),
  );
}

/**
 * The error handler of a service: turns any thrown error into a problem+json response; unknown errors are logged
 * and answered generically. `service` names the integrity code (`<SERVICE>_INTEGRITY_BROKEN`).
 */
export function problemHandler(service = 'railyard') {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (isStreamIntegrityError(error)) return integrityProblem(error, request, reply, service);
    return handleError(error, request, reply);
  };
}

/** Turns any thrown error into a problem+json response; unknown errors are logged and answered generically. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const instance = request.url;
  if (error instanceof DomainError) {
    const status = statusOfDomainError(error.kind);
    return sendProblem(reply, problemBody(status, error.code, error.message, instance, error.details));
  }
  if (error instanceof HttpProblem) {
    return sendProblem(
      reply,
      problemBody(error.status, error.code, error.message, instance, error.details),
      error.headers,
    );
  }
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const issues = validationIssues(
      fastifyError as FastifyError & { validation: unknown[] },
      fastifyError.validationContext ?? 'body',
    );
    const detail = `The request is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    return sendProblem(reply, problemBody(400, ErrorCodes.VALIDATION_FAILED, detail, instance, { issues }));
  }
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return sendProblem(reply, problemBody(known.status, known.code, fastifyError.message, instance));
  const status = fastifyError.statusCode;
  // A framework or plugin 4xx carries a message written for clients; anything else may hold internals.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? ErrorCodes.VALIDATION_FAILED;
    return sendProblem(reply, problemBody(status, code, fastifyError.message, instance));
  }
  if (isConnectionFailure(error)) {
    // An outage, not a bug: the client may retry (safely, with an Idempotency-Key), so say when rather than 500.
    request.log.warn({ err: error }, 'request failed: a dependency is unavailable');
    return sendProblem(
      reply,
      problemBody(503, ErrorCodes.DEPENDENCY_UNAVAILABLE, 'A dependency is unavailable; retry shortly.', instance),
      { 'retry-after': '1' },
    );
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(
    reply,
    problemBody(500, ErrorCodes.INTERNAL, 'An internal error occurred; it has been logged.', instance, {
      requestId: request.id,
    }),
  );
}

/** Installs the error handler and a not-found handler that answers 405 (with Allow) when only the method is wrong. */
export function installProblemHandlers(app: FastifyInstance, service?: string) {
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = routePattern(route.url);
    for (const method of methods) routes.push({ method: method.toUpperCase(), pattern });
  });
  app.setErrorHandler(problemHandler(service));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      const detail = `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`;
      return sendProblem(reply, problemBody(405, ErrorCodes.METHOD_NOT_ALLOWED, detail, request.url), {
        allow: allowed.join(', '),
      });
    }
    const detail = `No route ${request.method} ${path}.`;
    return sendProblem(reply, problemBody(404, ErrorCodes.ROUTE_NOT_FOUND, detail, request.url));
  });
}

/** A find-my-way route url as a regex over concrete paths (`:param` is one segment, `*` the rest). */
function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
