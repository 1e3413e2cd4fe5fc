import { DomainError } from '@railyard/contracts';

/**
 * Thrown by a consumer's handler for a message that can never succeed (bad shape, business rule): the
 * message goes to the dead-letter subject and is terminated instead of being redelivered.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Whether retrying can never help: an explicit poison, a schema failure (zod), or a domain error that is
 * about the message itself (validation, business rule). Everything else is treated as transient.
 */
export function isPoison(err: unknown): boolean {
  if (err instanceof PoisonMessageError) return true;
  if (err instanceof DomainError) return err.kind === 'validation' || err.kind === 'rule-violated';
  // zod 4 names its errors 'ZodError' (classic) or '$ZodError' (core); matching by name avoids a zod dependency.
  return err instanceof Error && (err.name === 'ZodError' || err.name === '$ZodError');
}

/** A short, single-line description of an error for headers and logs (never the payload). */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 500);
}
