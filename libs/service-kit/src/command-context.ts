import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { ErrorCodes } from '@railyard/contracts';
import type { CommandContext } from '@railyard/eventstore';
import type { FastifyRequest } from 'fastify';
import { requireActor } from './auth.js';
import { HttpProblem } from './problem.js';

/** The ETag of a stream revision: a strong ETag holding the decimal revision, e.g. `"7"`. */
export const etagOf = (revision: bigint): string => `"${revision}"`;

const IF_MATCH = /^"(0|[1-9][0-9]{0,18})"$/;
// Visible ASCII and spaces: keys end up in event metadata and logs, so no control characters.
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * Parses `If-Match` into the expected stream revision. Only one strong ETag in our format is accepted: `*`, weak
 * ETags and lists cannot name a single revision, so they are a 400 rather than a silent "any".
 */
export function parseIfMatch(header: string | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const match = IF_MATCH.exec(header.trim());
  if (!match?.[1]) {
    throw new HttpProblem(
      400,
      ErrorCodes.IF_MATCH_INVALID,
      `If-Match must be one strong ETag holding a revision, like "3" (with the quotes); got ${JSON.stringify(header)}.`,
    );
  }
  return BigInt(match[1]);
}

function optionalToken(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !PRINTABLE.test(value)) {
    throw new HttpProblem(
      400,
      ErrorCodes.VALIDATION_FAILED,
      `The ${name} header must be 1-200 printable ASCII characters.`,
      { issues: [{ path: `headers/${name}`, message: 'must be 1-200 printable ASCII characters' }] },
    );
  }
  return value;
}

/** JSON with object keys sorted at every depth, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 of method, url and canonical body: an idempotency key reused for a different request is detected. */
export function requestHashOf(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  return createHash('sha256')
    .update(`${request.method}\n${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/** The W3C traceparent (and tracestate) of the active span, if it is a real one. */
function activeTraceContext(): { traceparent?: string; tracestate?: string } {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  const flags = (ctx.traceFlags & 0xff).toString(16).padStart(2, '0');
  const tracestate = ctx.traceState?.serialize();
  return {
    traceparent: `00-${ctx.traceId}-${ctx.spanId}-${flags}`,
    ...(tracestate ? { tracestate } : {}),
  };
}

/** Everything the command handler needs besides the command, taken from the request (actor, headers, trace). */
export function commandContext(request: FastifyRequest, options: { now?: Date } = {}): CommandContext {
  const actor = requireActor(request);
  const ifMatch = request.headers['if-match'];
  const expectedRevision = parseIfMatch(Array.isArray(ifMatch) ? ifMatch.join(', ') : ifMatch);
  const idempotencyKey = optionalToken(request, 'idempotency-key');
  const correlationId = optionalToken(request, 'x-correlation-id') ?? String(request.id);
  return {
    actor,
    now: options.now ?? new Date(),
    correlationId,
    ...activeTraceContext(),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey, requestHash: requestHashOf(request) } : {}),
  };
}
