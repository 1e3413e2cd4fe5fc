import type { NatsConnection } from '@nats-io/transport-node';
import { type PostgresEventStore, warnConnectionError, watchPoolErrors } from '@railyard/eventstore';
import type { Relay } from '@railyard/messaging';
import { startPlanningRuntime } from '@railyard/planning/runtime';
import type { AnyDb, ProjectionRunner } from '@railyard/readmodels';
import { type App, createLogger, signDevToken } from '@railyard/service-kit';
import pg from 'pg';

const AUTH_SECRET = 'bench-secret-that-is-long-enough-for-hs256!';

/** The planning service running as in production: HTTP on loopback, release-list projection, relay, sealer. */
export interface PlanningStack {
  app: App;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  releaseList: ProjectionRunner;
  boards: ProjectionRunner;
  relay: Relay;
  db: AnyDb;
  /** `Authorization` header of a release manager. */
  authorization: string;
  /** Where it runs, for a worker process started beside it. */
  databaseUrl: string;
  subjectPrefix: string;
  close(): Promise<void>;
}

/** Starts the planning service on a free loopback port through the same runtime its main() uses. */
export async function startPlanningStack(options: {
  store: PostgresEventStore;
  databaseUrl: string;
  nats: NatsConnection;
  subjectPrefix: string;
}): Promise<PlanningStack> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, application_name: 'railyard-planning' });
  watchPoolErrors(pool, warnConnectionError);
  // Production logs every request at info; the bench pays for that serialisation but drops the lines.
  const logger = createLogger({ name: 'planning', level: 'info', destination: { write: () => {} } });
  const runtime = await startPlanningRuntime({
    store: options.store,
    pool,
    nats: options.nats,
    subjectPrefix: options.subjectPrefix,
    auth: { secret: AUTH_SECRET },
    logger,
  }).catch(async (err) => {
    await pool.end();
    throw err;
  });
  const close = async () => {
    await runtime.close();
    await pool.end();
  };
  try {
    await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    const address = runtime.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the planning app did not listen on a TCP port');
    const token = await signDevToken({ sub: 'bench-user', roles: ['release-manager'], secret: AUTH_SECRET });
    return {
      app: runtime.app,
      origin: `http://127.0.0.1:${address.port}`,
      releaseList: runtime.releaseList,
      boards: runtime.boards,
      relay: runtime.relay!,
      db: runtime.db,
      authorization: `Bearer ${token}`,
      databaseUrl: options.databaseUrl,
      subjectPrefix: options.subjectPrefix,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
