import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient } from '@nats-io/jetstream';
import { type Tracer, trace } from '@opentelemetry/api';
import { categoriesOf, DEFAULT_SUBJECT_PREFIX, type ServiceName } from '@railyard/contracts';
import { acquireLease, type EventStore, readyBatches } from '@railyard/eventstore';
import type pg from 'pg';
import { createAckWindow } from './ack-window.js';
import { describeError } from './errors.js';
import { type MessagingLogger, silentLogger } from './logger.js';
import { ensureMessagingSchema } from './messaging-schema.js';
import { loadRelayCheckpoint, readRelayCheckpoint, writeRelayCheckpoint } from './relay-checkpoint.js';
import { publishEvent } from './relay-publish.js';

export interface RelayOptions {
  store: EventStore;
  js: JetStreamClient;
  /** Holds the checkpoint table and the single-active lease (one dedicated connection while running). */
  pool: pg.Pool;
  service: ServiceName;
  /** Stream categories to relay; default: the categories the service owns. */
  categories?: readonly string[];
  /** Subject prefix (default `railyard`); tests use their own. */
  subjectPrefix?: string;
  /** Checkpoint row and lock key; default `<service>-relay`. Relays with the same name run single-active. */
  relayName?: string;
  /** Acknowledgements awaited per checkpoint write (default 100). */
  batchSize?: number;
  /** How often a standby retries the lock (default 1000 ms). */
  lockPollMs?: number;
  /** Pause before restarting after a failure (default 1000 ms). */
  retryDelayMs?: number;
  /** How long to wait for JetStream's acknowledgement of one publish (default 5000 ms). */
  publishTimeoutMs?: number;
  /**
   * Whether the NATS connection is up. While it is down the relay holds no lock and publishes nothing: the client
   * would only buffer publishes that time out, over and over for as long as the outage lasts, and a replica whose
   * connection is up can take over. Default: always up.
   */
  busConnected?: () => boolean;
  logger?: MessagingLogger;
  /** Default: the global tracer provider's `@railyard/messaging` tracer. */
  tracer?: Tracer;
}

/** standby: waiting for the lock; active: publishing; retrying: after a failure; stopped: after stop(). */
export type RelayState = 'idle' | 'standby' | 'active' | 'retrying' | 'stopped';

export interface RelayStatus {
  state: RelayState;
  /** Last checkpoint this instance wrote or read; null before it first became active. */
  checkpoint: bigint | null;
  /** Events acknowledged by JetStream since start, duplicates included. */
  published: number;
  /** Acknowledgements JetStream marked duplicate: republished after a crash and dropped by the dedup window. */
  duplicates: number;
  lastError: string | null;
}

export interface Relay {
  readonly name: string;
  /** Starts the relay loop in the background (standby until it holds the lock). */
  start(): Promise<void>;
  /** Stops gracefully: in-flight publishes are acknowledged and checkpointed, then the lock is released. */
  stop(): Promise<void>;
  status(): RelayStatus;
  /** Relay lag: events of these categories in the store after the checkpoint (counted up to 10,000). */
  lag(): Promise<number>;
}

/**
 * The outbox relay (DESIGN §4): tails a service's categories in the store from a checkpoint and publishes
 * each event to JetStream, advancing the checkpoint only after acknowledgement. Single-active per name under
 * a Postgres advisory lock; a failure restarts it from the checkpoint after `retryDelayMs`.
 */
export function createRelay(options: RelayOptions): Relay {
  const name = options.relayName ?? `${options.service}-relay`;
  const lockKey = `railyard.relay:${name}`;
  const categories = options.categories ?? categoriesOf(options.service);
  const filter = { categories };
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const batchSize = options.batchSize ?? 100;
  const logger = options.logger ?? silentLogger;
  const tracer = options.tracer ?? trace.getTracer('@railyard/messaging');
  const status: RelayStatus = { state: 'idle', checkpoint: null, published: 0, duplicates: 0, lastError: null };
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;

  /** Publishes from the checkpoint until `signal` aborts or something fails; returns after a graceful drain. */
  async function pump(client: pg.PoolClient, signal: AbortSignal, connectionLost: AbortSignal): Promise<void> {
    const after = await loadRelayCheckpoint(client, name);
    status.checkpoint = after;
    const reading = new AbortController();
    const stopReading = () => reading.abort();
    signal.addEventListener('abort', stopReading);
    connectionLost.addEventListener('abort', stopReading);
    const window = createAckWindow({
      batchSize,
      maxInFlight: batchSize * 2,
      commit: async (position, acks) => {
        await writeRelayCheckpoint(client, name, position);
        status.checkpoint = position;
        status.published += acks.length;
        status.duplicates += acks.filter((a) => a.duplicate).length;
      },
      onFailure: stopReading,
    });
    const events = options.store.subscribe({ after, filter, signal: reading.signal, batchSize });
    try {
      for await (const batch of readyBatches(events, batchSize)) {
        // Publishing into a connection that is down only fills the client's buffer: stop, and let the loop wait.
        if (options.busConnected && !options.busConnected()) throw new Error('NATS disconnected');
        // Every publish of a batch first, with no await between them: the client flushes what one turn of the
        // event loop queued in one socket write, instead of one write per event.
        const acks = batch.map((event) =>
          publishEvent(options.js, tracer, prefix, event, options.publishTimeoutMs ?? 5000),
        );
        for (let i = 0; i < batch.length; i++) await window.add(batch[i]!.position, acks[i]!);
      }
    } finally {
      // However the loop ended, end the store read too (a batch may have left one in flight).
      stopReading();
      signal.removeEventListener('abort', stopReading);
      connectionLost.removeEventListener('abort', stopReading);
      // Graceful or not, settle what is in flight: a failure surfaces here, a clean stop checkpoints it.
      await window.drain();
    }
    if (connectionLost.aborted) throw connectionLost.reason;
    if (!signal.aborted) throw new Error('the store subscription ended');
  }

  /** One tenure: wait for the lease as standby on a session of its own, then publish while active. */
  async function runOnce(signal: AbortSignal): Promise<void> {
    status.state = 'standby';
    const lease = await acquireLease(options.pool, lockKey, { wait: true, signal, pollMs: options.lockPollMs ?? 1000 });
    if (!lease) return;
    try {
      status.state = 'active';
      logger.info({ relay: name, categories }, 'relay active');
      // The checkpoint is written on the lease's own session: once that session is gone (and a standby may hold
      // the lease), no write of this tenure can land.
      await pump(lease.client, signal, lease.lost);
    } finally {
      await lease.release();
    }
  }

  async function loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (options.busConnected && !options.busConnected()) {
        if (status.state !== 'retrying') logger.warn({ relay: name }, 'relay paused: NATS disconnected');
        status.state = 'retrying';
        status.lastError = 'NATS disconnected';
        await sleep(options.retryDelayMs ?? 1000, undefined, { signal }).catch(() => {});
        continue;
      }
      try {
        await runOnce(signal);
      } catch (err) {
        if (signal.aborted) break;
        status.lastError = describeError(err);
        status.state = 'retrying';
        logger.error({ relay: name, err: status.lastError }, 'relay failed; restarting from its checkpoint');
        await sleep(options.retryDelayMs ?? 1000, undefined, { signal }).catch(() => {});
      }
    }
    status.state = 'stopped';
  }

  return {
    name,
    async start() {
      if (running) return;
      await ensureMessagingSchema(options.pool);
      controller = new AbortController();
      running = loop(controller.signal);
    },
    async stop() {
      if (!running) return;
      controller?.abort();
      await running;
      running = undefined;
      logger.info({ relay: name, checkpoint: status.checkpoint?.toString() }, 'relay stopped');
    },
    status: () => ({ ...status }),
    async lag() {
      const checkpoint = await readRelayCheckpoint(options.pool, name);
      return options.store.countAfter(checkpoint ?? 0n, filter);
    },
  };
}
