import { AUDIT_USAGE, auditCommand } from './audit.js';
import { isEntryPoint } from './entry-point.js';
import { EVENTS_USAGE, eventsCommand } from './events.js';
import { EXPORT_USAGE, exportCommand } from './export.js';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { REBUILD_USAGE, rebuildCommand } from './rebuild.js';
import { STATE_USAGE, stateCommand } from './state.js';
import { STREAM_USAGE, streamCommand } from './stream.js';
import { TOKEN_USAGE, tokenCommand } from './token.js';
import { WHAT_IF_USAGE, whatIfCommand } from './what-if.js';

export type { CliIo } from './io.js';

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  token: tokenCommand,
  stream: streamCommand,
  events: eventsCommand,
  audit: auditCommand,
  state: stateCommand,
  export: exportCommand,
  rebuild: rebuildCommand,
  'what-if': whatIfCommand,
};

export const USAGE = `railyard — forensics for the Railyard event log (DESIGN §9 F1)

usage:
  ${TOKEN_USAGE}
  ${STREAM_USAGE}
  ${EVENTS_USAGE}
  ${AUDIT_USAGE}
  ${STATE_USAGE}
  ${EXPORT_USAGE}
  ${REBUILD_USAGE}
  ${WHAT_IF_USAGE}

environment:
  DATABASE_URL          Postgres of the services (default postgres://postgres@127.0.0.1:5432/railyard)
  EVENTSTORE_URL        the event store when it is not DATABASE_URL (postgres://, kurrentdb://, esdb://)
  RAILYARD_AUTH_SECRET  HS256 secret for \`railyard token\` (at least 32 characters)

exit codes: 0 ok, 1 not found, a revision past the end, a broken hash chain in what was asked (stream, state,
            export, audit: the events before the break are still shown), a guard trigger missing or not
            ENABLE ALWAYS, or the projection is running elsewhere,
            2 wrong usage or configuration (unknown stream category, KurrentDB for export)`;

/** Node's parseArgs reports bad options with these codes; they are the user's mistake, not a crash. */
const isParseArgsError = (error: unknown): error is Error => {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
};

/** Runs the CLI with `argv` (without node and the script) and returns the exit code; never calls process.exit. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    io.err(`railyard: unknown command "${command}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT_OK;
  }
  try {
    return await handler(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`railyard ${command}: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`railyard ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}

/** The process-level io: one line per call on stdout/stderr. */
export const processIo: CliIo = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  env: process.env,
};

/** Runs the CLI for this process (the bin shim and `npm run railyard`). */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo);
}

// `npm run railyard -- …` runs this file directly (root package.json); the bin shim imports it and calls main().
if (isEntryPoint(import.meta.url)) await main();
