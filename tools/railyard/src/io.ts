/** Where a command writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  /** Writes one line to standard output (the newline is added by the writer). */
  out(s: string): void;
  /** Writes one line to standard error. */
  err(s: string): void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 the thing asked about is missing or broken, 2 the command was used wrongly. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage mistake: the runner prints the message and exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An environment variable, with empty values counting as unset (compose files and shells often export `FOO=`). */
export function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
