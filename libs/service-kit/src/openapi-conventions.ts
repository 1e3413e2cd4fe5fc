import { ErrorCodes, integrityBrokenCode } from '@railyard/contracts';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A POST that only computes an answer (a verification, a report): it records nothing, so it honours neither
     * If-Match nor Idempotency-Key, and the OpenAPI document says so.
     */
    query?: boolean;
  }
}

const CORRELATION_HEADER = 'x-correlation-id';
// The same rule as command-context's optional headers: visible ASCII, 1-200 characters (it lands in event metadata).
const CORRELATION_RE = /^[\x20-\x7e]{1,200}$/;

/**
 * Echoes the correlation id on every response (errors too), so a client can quote it and find the events the request
 * produced: the caller's `x-correlation-id` when it is usable, else the request id the commands record instead.
 * The kit's app calls it first in its `onRequest` hook.
 */
export function echoCorrelation(request: FastifyRequest, reply: FastifyReply): void {
  const given = request.headers[CORRELATION_HEADER];
  reply.header(CORRELATION_HEADER, typeof given === 'string' && CORRELATION_RE.test(given) ? given : request.id);
}

/** What the document needs to know of a route beyond its zod schemas. */
interface RouteFacts {
  roles?: readonly string[];
  public: boolean;
  command: boolean;
  hasInput: boolean;
  hasPathParams: boolean;
  hasBody: boolean;
}

type Operation = Record<string, unknown> & {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string }[];
  responses?: Record<string, unknown>;
};
type OpenApiDocument = Record<string, unknown> & {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `/releases/:id` as OpenAPI writes it: `/releases/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A stable operationId from method and path: `POST /releases/{id}/cab-votes` → `postReleasesIdCabVotes`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `${method.toLowerCase()}${words.join('')}`;
}

/** The error responses every service shares, each with the codes it carries. */
function problemResponses(service: string): Record<string, { status: string; description: string; codes: string[] }> {
  const own = service.toUpperCase();
  return {
    BadRequest: {
      status: '400',
      description: 'The request is malformed: validation (with `issues`), malformed JSON, a bad header.',
      codes: [ErrorCodes.VALIDATION_FAILED, ErrorCodes.MALFORMED_JSON, ErrorCodes.IF_MATCH_INVALID, `${own}_*`],
    },
    Unauthorized: {
      status: '401',
      description: 'No credentials, or credentials that are not valid (bearer JWT or API key).',
      codes: [ErrorCodes.UNAUTHENTICATED, ErrorCodes.TOKEN_INVALID],
    },
    Forbidden: {
      status: '403',
      description: 'The caller has none of the roles the operation requires (`x-required-roles`).',
      codes: [ErrorCodes.FORBIDDEN],
    },
    NotFound: {
      status: '404',
      description: 'The addressed resource does not exist.',
      codes: [ErrorCodes.NOT_FOUND, `${own}_*_NOT_FOUND`],
    },
    Conflict: {
      status: '409',
      description: 'A business rule refused the command, or the resource kept changing under concurrent writers.',
      codes: [ErrorCodes.CONCURRENCY_CONFLICT, ErrorCodes.IDEMPOTENCY_KEY_REUSED, `${own}_*`],
    },
    PreconditionFailed: {
      status: '412',
      description: 'The resource is no longer at the revision `If-Match` names; `currentRevision` says where it is.',
      codes: [ErrorCodes.PRECONDITION_FAILED],
    },
    TooLarge: { status: '413', description: 'The body exceeds the size limit.', codes: [ErrorCodes.BODY_TOO_LARGE] },
    UnsupportedMediaType: {
      status: '415',
      description: 'The body is not in a media type the operation accepts.',
      codes: [ErrorCodes.UNSUPPORTED_MEDIA_TYPE],
    },
    Unprocessable: {
      status: '422',
      description: 'The command is well-formed but semantically invalid.',
      codes: [ErrorCodes.IDEMPOTENCY_KEY_REUSED, `${own}_*`],
    },
    ServerError: {
      status: '500',
      description:
        'An internal error (logged, never leaked), or a history that failed its integrity check and is not served.',
      codes: [ErrorCodes.INTERNAL, integrityBrokenCode(service)],
    },
  };
}

const HEADER_PARAMETERS = {
  CorrelationId: {
    name: CORRELATION_HEADER,
    in: 'header',
    required: false,
    description:
      'Correlates this request with the events it records (metadata.correlationId); echoed on the response. ' +
      'Defaults to the request id. 1-200 printable ASCII characters.',
    schema: { type: 'string', maxLength: 200 },
  },
  IfMatch: {
    name: 'if-match',
    in: 'header',
    required: false,
    description:
      'The ETag (stream revision, e.g. "3") the command expects the resource to be at; 412 when it moved on.',
    schema: { type: 'string', pattern: '^"(0|[1-9][0-9]{0,18})"$' },
  },
  IdempotencyKey: {
    name: 'idempotency-key',
    in: 'header',
    required: false,
    description: 'Makes a retried command return the first result and record nothing new (same key, same request).',
    schema: { type: 'string', maxLength: 200 },
  },
};

/**
 * The house conventions every operation of a service's OpenAPI document carries (issue 17 item 8): an operationId,
 * the roles it requires (`x-required-roles`, and in its description), the headers it honours, its error responses as
 * problem+json with their codes, and the `servers` the document is served from. Facts the zod schemas cannot carry
 * (roles, public, command or query) are collected from the routes as they are registered.
 */
export function createOpenApiConventions(service: string, servers: readonly { url: string; description?: string }[]) {
  const routes = new Map<string, RouteFacts>();

  function collect(route: RouteOptions): void {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (schema.hide) return;
    const config = (route.config ?? {}) as { roles?: readonly string[]; public?: boolean; query?: boolean };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.set(`${method.toUpperCase()} ${openApiPath(route.url)}`, {
        roles: config.roles,
        public: config.public === true,
        command: MUTATING.has(method.toUpperCase()) && config.query !== true,
        hasInput: Boolean(schema.body || schema.querystring || schema.params || schema.headers),
        hasPathParams: /:[A-Za-z]/.test(route.url),
        hasBody: Boolean(schema.body),
      });
    }
  }

  function document(doc: OpenApiDocument): OpenApiDocument {
    const problems = problemResponses(service);
    const components = doc.components ?? {};
    components.responses = {
      ...components.responses,
      ...Object.fromEntries(
        Object.entries(problems).map(([name, p]) => [
          name,
          {
            description: `${p.description} Codes: ${p.codes.map((c) => `\`${c}\``).join(', ')}.`,
            headers: { [CORRELATION_HEADER]: { $ref: '#/components/headers/CorrelationId' } },
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        ]),
      ),
    };
    components.parameters = { ...components.parameters, ...HEADER_PARAMETERS };
    components.headers = {
      ...components.headers,
      CorrelationId: { description: 'The correlation id of the request (echoed).', schema: { type: 'string' } },
    };
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const facts = routes.get(`${method.toUpperCase()} ${path}`);
        decorate(operation, method, path, facts, problems);
      }
    }
    // The schema components come from zod's process-wide registry: keep those this document refers to.
    components.schemas = referencedSchemas({ ...doc, components }, components.schemas ?? {});
    return { ...doc, servers: [...servers], components };
  }

  function decorate(
    operation: Operation,
    method: string,
    path: string,
    facts: RouteFacts | undefined,
    problems: ReturnType<typeof problemResponses>,
  ): void {
    operation.operationId ??= operationIdOf(method, path);
    const notes: string[] = [];
    if (facts?.roles?.length) {
      operation['x-required-roles'] = [...facts.roles];
      notes.push(`Requires one of the roles: ${facts.roles.join(', ')} (admin always passes).`);
    } else if (facts && !facts.public) {
      notes.push('Requires an authenticated caller (any role).');
    } else if (facts?.public) {
      notes.push('Public: no credentials needed.');
    }
    if (facts?.command) notes.push('Honours `If-Match` (412 when stale) and `Idempotency-Key`.');
    operation.description = [operation.description ?? operation.summary, ...notes].filter(Boolean).join('\n\n');

    const headers = [{ $ref: '#/components/parameters/CorrelationId' }];
    if (facts?.command) {
      headers.push({ $ref: '#/components/parameters/IfMatch' }, { $ref: '#/components/parameters/IdempotencyKey' });
    }
    const present = new Set((operation.parameters ?? []).map((p) => `${p.in}:${p.name?.toLowerCase()}`));
    const wanted = headers.filter((h) => {
      const name = h.$ref.split('/').at(-1) as keyof typeof HEADER_PARAMETERS;
      return !present.has(`header:${HEADER_PARAMETERS[name].name}`);
    });
    operation.parameters = [...(operation.parameters ?? []), ...wanted] as Operation['parameters'];

    const statuses: (keyof typeof problems)[] = [];
    if (facts?.hasInput || facts?.command) statuses.push('BadRequest');
    if (!facts?.public) statuses.push('Unauthorized');
    if (facts?.roles?.length) statuses.push('Forbidden');
    // A path parameter addresses something that may not exist.
    if (facts?.hasPathParams) statuses.push('NotFound');
    if (facts?.command) statuses.push('Conflict', 'PreconditionFailed', 'Unprocessable');
    if (facts?.hasBody) statuses.push('TooLarge', 'UnsupportedMediaType');
    statuses.push('ServerError');
    const responses = { ...(operation.responses ?? {}) };
    for (const name of statuses) {
      const status = problems[name]?.status;
      if (status) responses[status] ??= { $ref: `#/components/responses/${name}` };
    }
    for (const response of Object.values(responses)) {
      const r = response as { $ref?: string; headers?: Record<string, unknown> };
      if (!r.$ref) r.headers = { ...r.headers, [CORRELATION_HEADER]: { $ref: '#/components/headers/CorrelationId' } };
    }
    operation.responses = responses;
  }

  return { collect, document };
}

const SCHEMA_REF = '#/components/schemas/';

/** The `#/components/schemas/` names `value` refers to, at any depth. */
function schemaRefs(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) schemaRefs(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_REF)) into.add(v.slice(SCHEMA_REF.length));
      else schemaRefs(v, into);
    }
  }
  return into;
}

/**
 * The schemas the document refers to outside `components.schemas`, and those they refer to in turn: the registry holds
 * the components of every service loaded in the process (docs-gen loads all six) and an unused input twin of each.
 */
function referencedSchemas(doc: OpenApiDocument, schemas: Record<string, unknown>): Record<string, unknown> {
  const wanted = schemaRefs({ ...doc, components: { ...doc.components, schemas: {} } }, new Set());
  const kept: Record<string, unknown> = {};
  const pending = [...wanted];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name in kept || !(name in schemas)) continue;
    kept[name] = schemas[name];
    pending.push(...schemaRefs(schemas[name], new Set()));
  }
  return kept;
}
