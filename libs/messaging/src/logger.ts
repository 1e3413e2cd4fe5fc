/**
 * The logging surface the messaging lib needs; a pino logger satisfies it. Log ids and types, never payloads.
 */
export interface MessagingLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything, for callers that pass none. */
export const silentLogger: MessagingLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
