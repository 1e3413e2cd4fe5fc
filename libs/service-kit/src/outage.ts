// Kept free of driver imports: the kit's index loads this, and main() must not load `pg` before telemetry starts
// (the pg instrumentation only patches a driver loaded after it). Hence duck typing on `code` and messages.
// SQLSTATEs that say the server, not the statement, failed: class 08 (connection exception), admin/crash shutdown,
// "cannot connect now" (starting up or in recovery) and too many connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// What pg and pg-pool throw, without a code, when a connection dies or none can be had in time.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Connection ended',
];

/**
 * Whether an error means the database could not be reached or dropped the connection (an outage: worth a 503 and a
 * retry) rather than refused the statement (a bug or a rule: 4xx/500). Follows `cause` a few levels.
 */
export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    }
    if (UNAVAILABLE_MESSAGES.some((m) => (current as Error).message.includes(m))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
