import { parseArgs } from 'node:util';
import { createDb, ProjectionBusyError, type ProjectionLogger, rebuildProjection } from '@railyard/readmodels';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';
import { PROJECTIONS } from './registry.js';
import { databaseUrlOf, withStore } from './store.js';

export const REBUILD_USAGE = 'railyard rebuild <projection> | railyard rebuild --list';

/** The projection library logs through this; the CLI shows its warnings and errors on stderr. */
const loggerFor = (io: CliIo): ProjectionLogger => ({
  info() {},
  warn: (obj, msg) => io.err(`warn: ${msg}${obj.err ? `: ${String(obj.err)}` : ''}`),
  error: (obj, msg) => io.err(`error: ${msg}${obj.err ? `: ${String(obj.err)}` : ''}`),
});

/**
 * `railyard rebuild`: empties a projection's rows and replays the store into it (readmodels' rebuildProjection),
 * refusing while a runner elsewhere holds the projection's lock. Needs the service's migrations applied.
 */
export async function rebuildCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { list: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.list) {
    if (positionals.length > 0) throw new UsageError(`usage: ${REBUILD_USAGE}`);
    for (const p of PROJECTIONS.values()) io.out(`${p.name}  (schema ${p.schema})`);
    return EXIT_OK;
  }
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(`expected exactly one projection name\nusage: ${REBUILD_USAGE}`);
  const projection = PROJECTIONS.get(name);
  if (!projection) throw new UsageError(`unknown projection "${name}" (known: ${[...PROJECTIONS.keys()].join(', ')})`);

  const db = createDb(databaseUrlOf(io.env), { maxConnections: 2, applicationName: 'railyard-rebuild' });
  try {
    const result = await withStore(io, (store) =>
      rebuildProjection({ ...projection, store, db, logger: loggerFor(io) }),
    );
    io.out(
      `rebuilt ${projection.schema}.${name}: ${result.events} events replayed in ${Math.round(result.ms)} ms (checkpoint ${result.position})`,
    );
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ProjectionBusyError)) throw error;
    io.err(`railyard rebuild: ${error.message}`);
    return EXIT_FAILURE;
  } finally {
    await db.destroy();
  }
}
