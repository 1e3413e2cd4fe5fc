/**
 * Stable error codes (`SERVICE_THING_REASON`) carried in problem+json bodies. Clients branch on these,
 * never on titles or messages, so a code is never renamed once published.
 */
export const ErrorCodes = {
  // request shape and transport
  VALIDATION_FAILED: 'RAILYARD_REQUEST_INVALID',
  MALFORMED_JSON: 'RAILYARD_REQUEST_MALFORMED_JSON',
  BODY_TOO_LARGE: 'RAILYARD_REQUEST_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'RAILYARD_REQUEST_UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'RAILYARD_RESOURCE_NOT_FOUND',
  ROUTE_NOT_FOUND: 'RAILYARD_ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'RAILYARD_METHOD_NOT_ALLOWED',
  RATE_LIMITED: 'RAILYARD_REQUEST_RATE_LIMITED',
  // auth
  UNAUTHENTICATED: 'RAILYARD_AUTH_MISSING',
  TOKEN_INVALID: 'RAILYARD_AUTH_INVALID',
  FORBIDDEN: 'RAILYARD_AUTH_FORBIDDEN',
  // concurrency and idempotency
  CONCURRENCY_CONFLICT: 'RAILYARD_STREAM_CONFLICT',
  PRECONDITION_FAILED: 'RAILYARD_PRECONDITION_FAILED',
  IF_MATCH_INVALID: 'RAILYARD_IF_MATCH_INVALID',
  IDEMPOTENCY_KEY_REUSED: 'RAILYARD_IDEMPOTENCY_KEY_REUSED',
  // availability
  NOT_READY: 'RAILYARD_SERVICE_NOT_READY',
  DEPENDENCY_UNAVAILABLE: 'RAILYARD_DEPENDENCY_UNAVAILABLE',
  INTERNAL: 'RAILYARD_INTERNAL',
  // planning
  PLANNING_RELEASE_NOT_FOUND: 'PLANNING_RELEASE_NOT_FOUND',
  PLANNING_RELEASE_EXISTS: 'PLANNING_RELEASE_EXISTS',
  PLANNING_FREEZE_ACTIVE: 'PLANNING_FREEZE_ACTIVE',
  PLANNING_ALREADY_FROZEN: 'PLANNING_ALREADY_FROZEN',
  PLANNING_SCOPE_EMPTY: 'PLANNING_SCOPE_EMPTY',
  PLANNING_SCOPE_ITEM_NOT_FOUND: 'PLANNING_SCOPE_ITEM_NOT_FOUND',
  PLANNING_SCOPE_ITEM_DUPLICATE: 'PLANNING_SCOPE_ITEM_DUPLICATE',
  PLANNING_ROADMAP_REF_REQUIRED: 'PLANNING_ROADMAP_REF_REQUIRED',
  PLANNING_TARGET_DATE_PAST: 'PLANNING_TARGET_DATE_PAST',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The code of a 500 answered when a stream's hash chain is broken (`PLANNING_INTEGRITY_BROKEN` …): the service
 * refuses to serve or decide on a tampered history. One builder, so every service spells it the same way.
 */
export const integrityBrokenCode = (service: string): string => `${service.toUpperCase()}_INTEGRITY_BROKEN`;

/** The closed set of domain error kinds; each maps to one HTTP status at the edge. */
export type DomainErrorKind = 'validation' | 'not-found' | 'rule-violated' | 'concurrency' | 'precondition';

/**
 * A domain error: thrown by deciders and handlers, turned into problem+json by the service kit.
 * Lives in contracts because it is shape (kind, code, detail), not behaviour.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A business rule refused the command (HTTP 409). */
export const ruleViolated = (code: ErrorCode | string, message: string, details?: Record<string, unknown>) =>
  new DomainError('rule-violated', code, message, details);
/** The addressed thing does not exist (HTTP 404). */
export const notFound = (code: ErrorCode | string, message: string) => new DomainError('not-found', code, message);
/** The command is well-formed but semantically invalid (HTTP 422). */
export const invalid = (code: ErrorCode | string, message: string, details?: Record<string, unknown>) =>
  new DomainError('validation', code, message, details);
