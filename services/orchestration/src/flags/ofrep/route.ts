import { JsonValue } from '@railyard/contracts';
import {
  type FastifyPluginAsyncZod,
  handleError,
  isPlainObject,
  PROBLEM_CONTENT_TYPE,
  problemBody,
  zodValidatorCompiler,
} from '@railyard/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { FlagReadDeps } from '../flag-commands.js';
import type { Evaluation } from '../flag-snapshot.js';

/**
 * OFREP, the OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml): any OpenFeature
 * SDK with an OFREP provider reads Railyard's flags. Evaluation reads the in-memory snapshot, never the store.
 * Error bodies carry OFREP's `errorCode`/`errorDetails` (what OFREP clients read) inside a problem+json document
 * (what every other Railyard client reads): one body serves both.
 */
const EvaluationRequest = z.object({
  // Values are not checked one by one against JsonValue: the body was parsed from JSON, so each already is one,
  // and the recursive check was a tenth of an evaluation's CPU. Only the shape (an object) is a client's to get wrong.
  context: z
    .record(z.string(), z.unknown())
    .describe('The evaluation context: `targetingKey` and any attributes (JSON values) the targeting reads.'),
});
const Success = z.object({
  key: z.string(),
  reason: z.enum(['STATIC', 'TARGETING_MATCH', 'SPLIT', 'DEFAULT', 'DISABLED']),
  variant: z.string(),
  value: JsonValue.describe('A disabled flag serves its default variant, with reason DISABLED.'),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
const Failure = z.looseObject({
  key: z.string().optional(),
  errorCode: z.enum(['PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL', 'FLAG_NOT_FOUND']),
  errorDetails: z.string(),
});
const Bulk = z.object({ flags: z.array(z.union([Success, Failure])) });
const Params = z.strictObject({ key: z.string().min(1).max(128) });

/**
 * The OFREP routes' validation with a fast path: a body whose `context` is a plain object, and a key of 1–128
 * characters, pass without zod; anything else goes to the zod schemas above, which then produce the same errors as
 * before. Parsing the body and the params through zod was ~4 µs of a ~100 µs evaluation on the reference machine
 * (DESIGN §10 wants ≥ 0.8× bare fastify). The schemas still document the routes, and a test holds the fast path to
 * zod's verdicts.
 */
export const ofrepValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const zod = zodValidatorCompiler(route as Parameters<typeof zodValidatorCompiler>[0]);
  if (route.httpPart === 'body') {
    return (data: unknown) => (isPlainObject(data) && isPlainObject(data.context) ? { value: data } : zod(data));
  }
  if (route.httpPart === 'params') {
    return (data: unknown) => {
      if (isPlainObject(data) && typeof data.key === 'string' && data.key.length >= 1 && data.key.length <= 128) {
        let fields = 0;
        for (const field in data) if (Object.hasOwn(data, field)) fields++;
        if (fields === 1) return { value: data };
      }
      return zod(data);
    };
  }
  return zod;
};

/** The zod schemas of the OFREP request, for the test that compares the fast path with them. */
export const ofrepRequestSchemas = { body: EvaluationRequest, params: Params };

const OFREP_CODES = {
  PARSE_ERROR: 'ORCHESTRATION_OFREP_PARSE_ERROR',
  INVALID_CONTEXT: 'ORCHESTRATION_OFREP_INVALID_CONTEXT',
  TARGETING_KEY_MISSING: 'ORCHESTRATION_OFREP_TARGETING_KEY_MISSING',
  GENERAL: 'ORCHESTRATION_OFREP_GENERAL',
  FLAG_NOT_FOUND: 'ORCHESTRATION_FLAG_NOT_FOUND',
} as const;
type OfrepCode = keyof typeof OFREP_CODES;

function sendOfrepError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: 400 | 404,
  errorCode: OfrepCode,
  errorDetails: string,
) {
  const key = (request.params as { key?: string } | undefined)?.key;
  const body = {
    ...problemBody(status, OFREP_CODES[errorCode], errorDetails, request.url),
    key,
    errorCode,
    errorDetails,
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Bad bodies become OFREP errors: a body that is not JSON is PARSE_ERROR, a missing or non-object context INVALID_CONTEXT. */
function ofrepErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (Array.isArray(error.validation)) {
    const details = error.validation.map((v) => `${v.instancePath || '/'} ${v.message ?? 'is invalid'}`).join('; ');
    return sendOfrepError(request, reply, 400, 'INVALID_CONTEXT', `The request needs an object "context": ${details}.`);
  }
  if (error instanceof SyntaxError || ((error.code ?? '').startsWith('FST_ERR_CTP_') && error.statusCode === 400)) {
    return sendOfrepError(request, reply, 400, 'PARSE_ERROR', `The body is not JSON: ${error.message}`);
  }
  return handleError(error, request, reply);
}

function success(e: Extract<Evaluation, { ok: true }>) {
  return { key: e.key, reason: e.reason, variant: e.variant, value: e.value, metadata: e.metadata };
}

/** POST /ofrep/v1/evaluate/flags/:key and POST /ofrep/v1/evaluate/flags (bulk, with ETag / If-None-Match). */
export const ofrepRoutes: FastifyPluginAsyncZod<FlagReadDeps> = async (app, { snapshot }) => {
  app.setErrorHandler(ofrepErrors);
  app.setValidatorCompiler(ofrepValidatorCompiler);
  app.post(
    '/ofrep/v1/evaluate/flags/:key',
    {
      // An evaluation is a high-volume read (every flag check of every client): its access line is debug.
      config: { accessLog: 'debug' },
      schema: {
        summary: 'Evaluate one flag (OFREP)',
        description: 'Auth: `Authorization: Bearer <token>` or `X-API-Key`.',
        tags: ['ofrep'],
        params: Params,
        body: EvaluationRequest,
        response: { 200: Success, 400: Failure, 404: Failure },
      },
    },
    async (request, reply) => {
      const result = snapshot.evaluate(request.params.key, request.body.context);
      if (!result.ok) return sendOfrepError(request, reply, result.status, result.errorCode, result.errorDetails);
      // The hot path: the body comes from the snapshot already serialised (once per flag version, reason and
      // variant), so it is sent as it is, skipping the response schema's zod pass (documented above, and asserted
      // by the tests) — DESIGN §10 wants ≥ 0.8× bare fastify. The typed reply expects the Success object; this is
      // that object's JSON text, which fastify sends as is.
      return reply.type('application/json; charset=utf-8').send(snapshot.successBody(result) as never);
    },
  );
  app.post(
    '/ofrep/v1/evaluate/flags',
    {
      config: { accessLog: 'debug' },
      schema: {
        summary: 'Evaluate every flag (OFREP bulk)',
        description:
          'Answers with an ETag over the flag set’s version and the context; send it back as If-None-Match to get ' +
          '304 until a flag changes.',
        tags: ['ofrep'],
        body: EvaluationRequest,
        response: { 200: Bulk, 304: z.null().describe('Nothing changed since the ETag.'), 400: Failure },
      },
    },
    async (request, reply) => {
      const { context } = request.body;
      const etag = snapshot.etag(context);
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      const flags = snapshot
        .evaluateAll(context)
        .map((e) => (e.ok ? success(e) : { key: e.key, errorCode: e.errorCode, errorDetails: e.errorDetails }));
      return { flags };
    },
  );
};
