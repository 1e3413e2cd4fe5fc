import {
  authConfigFromEnv,
  createLogger,
  loadConfigOrExit,
  observedGauge,
  runService,
  startTelemetry,
} from '@railyard/service-kit';
import { planningConfigSchema } from './config.js';

// Composition root: config → telemetry → adapters → app → listen. Telemetry starts before anything loads `pg`,
// so its instrumentation sees the driver (hence the dynamic imports below).
const config = loadConfigOrExit(planningConfigSchema);
startTelemetry({ serviceName: 'planning', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'planning', level: config.LOG_LEVEL });

await runService({
  name: 'planning',
  logger,
  async start(onShutdown) {
    const [
      { default: pg },
      eventstore,
      readmodels,
      messaging,
      nats,
      jetstream,
      { buildPlanningApp },
      migrations,
      releaseList,
    ] = await Promise.all([
      import('pg'),
      import('@railyard/eventstore'),
      import('@railyard/readmodels'),
      import('@railyard/messaging'),
      import('@nats-io/transport-node'),
      import('@nats-io/jetstream'),
      import('./app.js'),
      import('../migrations/index.js'),
      import('./releases/release-list/projection.js'),
    ]);

    await readmodels.ensureDatabase(config.DATABASE_URL);
    const store = await eventstore.openEventStore(config.EVENTSTORE_URL, config.DATABASE_URL);
    onShutdown('event store', () => store.close());
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, application_name: 'railyard-planning' });
    pool.on('error', (err) => logger.warn({ err }, 'idle Postgres connection failed'));
    onShutdown('postgres pool', () => pool.end());
    const db = readmodels.createDb<import('./releases/release-list/projection.js').ReleaseListDb>(pool);
    await readmodels.migrateSchema(db, { schema: 'planning', migrations: migrations.planningMigrations });

    const nc = await nats.connect({ servers: config.NATS_URL, name: 'railyard-planning' });
    onShutdown('nats', () => nc.drain());
    await messaging.ensureBusStreams(await jetstream.jetstreamManager(nc), { prefix: config.SUBJECT_PREFIX });
    await messaging.ensureMessagingSchema(pool);
    const relay = messaging.createRelay({
      store,
      js: jetstream.jetstream(nc),
      pool,
      service: 'planning',
      subjectPrefix: config.SUBJECT_PREFIX,
      logger,
    });
    await relay.start();
    onShutdown('relay', () => relay.stop());

    const releaseListRunner = readmodels.createProjectionRunner({
      store,
      db,
      name: releaseList.RELEASE_LIST,
      schema: 'planning',
      filter: releaseList.releaseListFilter,
      projectBatch: releaseList.projectReleaseList,
      logger,
    });
    await releaseListRunner.start();
    onShutdown('release-list projection', () => releaseListRunner.stop());

    if ('heldBack' in store) {
      const pgStore = store as import('@railyard/eventstore').PostgresEventStore;
      observedGauge(
        'railyard_eventstore_held_back_events',
        'Committed events readers cannot see yet because an older transaction is still open on the server',
        () => pgStore.heldBack(),
      );
    }
    if ('pool' in store) {
      const sealer = eventstore.startSealer(store.pool as import('pg').Pool, {
        intervalMs: config.SEAL_INTERVAL_MS,
        onError: (err) => logger.warn({ err }, 'sealing the log failed'),
      });
      onShutdown('sealer', () => sealer.stop());
    }

    observedGauge('railyard_relay_lag_events', 'Events in the store not yet published to NATS', async () =>
      Number(await relay.lag()),
    );
    observedGauge('railyard_projection_lag_events', 'Events the release-list projection has still to apply', async () =>
      Number(await releaseListRunner.lag()),
    );

    const app = await buildPlanningApp({
      store,
      db,
      releaseList: releaseListRunner,
      auth: authConfigFromEnv(config),
      logger,
      readiness: {
        store: () => store.ping(),
        postgres: async () => {
          await pool.query('SELECT 1');
        },
        nats: async () => {
          if (nc.isClosed()) throw new Error('NATS connection closed');
          await nc.flush();
        },
      },
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    onShutdown('http server', () => app.close());
  },
});
