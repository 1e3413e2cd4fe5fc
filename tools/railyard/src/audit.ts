import { sealLog, type VerifyReport, verifyLog } from '@railyard/eventstore';
import type pg from 'pg';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { asPostgresStore, eventStoreIsKurrent, withStore } from './store.js';

export const AUDIT_USAGE = 'railyard audit verify | railyard audit seal';

const KURRENT_MESSAGE =
  'railyard audit: the hash chain and seals belong to the Postgres event store; EVENTSTORE_URL points at KurrentDB, whose log the server itself keeps append-only. Unset EVENTSTORE_URL (or point it at postgres://) to audit the Postgres store.';

/** `railyard audit verify|seal`: checks the Postgres store's hash chain and seals, or seals the next range. */
export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub !== 'verify' && sub !== 'seal') || rest.length > 0) throw new UsageError(`usage: ${AUDIT_USAGE}`);
  if (eventStoreIsKurrent(io.env)) {
    io.err(KURRENT_MESSAGE);
    return EXIT_USAGE;
  }
  return withStore(io, async (store) => {
    const pg = asPostgresStore(store);
    if (!pg) {
      io.err(KURRENT_MESSAGE);
      return EXIT_USAGE;
    }
    return sub === 'verify' ? verify(pg.pool, pg.schema, io) : seal(pg.pool, pg.schema, io);
  });
}

/** How far behind the sealer is: what is not sealed yet, since when, and when it last sealed. */
function sealerLag(report: VerifyReport, now: Date): string {
  const ago = (t: Date) => `${Math.max(0, Math.round((now.getTime() - t.getTime()) / 1000))} s ago`;
  const last = report.lastSealedAt ? `last seal ${ago(report.lastSealedAt)}` : 'no seal yet';
  if (report.unsealedEvents === 0 || !report.oldestUnsealedAt) return `sealer lag: none (${last})`;
  return `sealer lag: ${report.unsealedEvents} events not yet sealed, the oldest recorded ${ago(report.oldestUnsealedAt)} (${last})`;
}

async function verify(pool: pg.Pool, schema: string, io: CliIo): Promise<number> {
  const report = await verifyLog(pool, schema);
  const summary = `${report.eventsChecked} events in ${report.streamsChecked} streams, ${report.sealsChecked} seals checked (${report.unsealedEvents} events not yet sealed)`;
  const problem = report.firstProblem;
  const lag = sealerLag(report, new Date());
  for (const guard of report.guardProblems) io.out(`GUARD: ${guard}`);
  if (!problem) {
    io.out(`${report.ok ? 'ok' : 'BROKEN guards'}: ${summary}`);
    io.out(lag);
    return report.ok ? EXIT_OK : EXIT_FAILURE;
  }
  const where = [
    `position ${problem.position}`,
    problem.streamId !== undefined ? `stream ${problem.streamId}` : undefined,
    problem.revision !== undefined ? `revision ${problem.revision}` : undefined,
    problem.sealNo !== undefined ? `seal ${problem.sealNo}` : undefined,
  ].filter((part) => part !== undefined);
  io.out(`BROKEN at ${where.join(', ')}: ${problem.reason}`);
  io.out(summary);
  io.out(lag);
  return EXIT_FAILURE;
}

async function seal(pool: pg.Pool, schema: string, io: CliIo): Promise<number> {
  const result = await sealLog(pool, schema);
  if (!result) {
    io.out('nothing to seal: no events after the last seal');
    return EXIT_OK;
  }
  io.out(`seal ${result.sealNo}: positions ${result.fromPosition}..${result.toPosition} (${result.eventCount} events)`);
  return EXIT_OK;
}
