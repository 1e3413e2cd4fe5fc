import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import type { ReadinessCheck } from './health.js';
import type { Logger } from './logging.js';

export interface NatsReconnectPolicy {
  /** Wait before the first reconnect attempt; doubled after each failed one. */
  initialWaitMs: number;
  /** Cap of the doubling: an outage of any length is retried at most this far apart. */
  maxWaitMs: number;
}

export interface NatsLink {
  nc: NatsConnection;
  /** For /health/ready: fails at once while the connection is down, else round-trips a flush. */
  readiness: ReadinessCheck;
  /** Connected now, and reconnect attempts since the connection was last up (or opened). */
  state(): { connected: boolean; reconnectAttempts: number };
  /** Drains when connected; closes when not (draining a connection that is down can only fail or hang). */
  close(): Promise<void>;
}

/**
 * The reconnect part of the NATS connection options: never give up, with capped exponential backoff and jitter.
 * The client's default (10 attempts, 2 s apart) gives up after about 20 s and leaves the process connected to
 * nothing until a restart. `attempts` is read on every call, so the wait grows with the outage.
 */
export function reconnectOptions(
  policy: NatsReconnectPolicy,
  attempts: () => number,
): Pick<ConnectionOptions, 'maxReconnectAttempts' | 'reconnectDelayHandler'> {
  return {
    maxReconnectAttempts: -1,
    reconnectDelayHandler: () => {
      const base = Math.min(policy.maxWaitMs, policy.initialWaitMs * 2 ** Math.min(attempts(), 30));
      // Up to 20% jitter, so replicas that lost the same server do not come back in lockstep.
      return Math.round(base * (1 + Math.random() * 0.2));
    },
  };
}

/**
 * Options every Railyard NATS client sets. `noAsyncTraces`: the client otherwise builds two Errors (stack traces
 * included) per request, a JetStream publish being one, only to decorate a timeout: a third of the relay's own
 * CPU per event in a profile of the planning service. Failures still say what timed out.
 */
export const NATS_CLIENT_DEFAULTS = { noAsyncTraces: true } as const;

/**
 * Connects to NATS for a service: reconnects forever with backoff, follows the connection's state so readiness
 * reports NATS down the moment it is (a flush would only time out), and logs the outage and the recovery.
 */
export async function openNatsLink(
  connect: (options: ConnectionOptions) => Promise<NatsConnection>,
  options: { servers: string; name: string; reconnect: NatsReconnectPolicy; logger: Logger },
): Promise<NatsLink> {
  const { logger } = options;
  let connected = true;
  let attempts = 0;
  let downSince = 0;
  const nc = await connect({
    servers: options.servers,
    name: options.name,
    ...NATS_CLIENT_DEFAULTS,
    ...reconnectOptions(options.reconnect, () => attempts),
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        attempts = 0;
        downSince = Date.now();
        logger.warn({ server: status.server }, 'NATS disconnected; reconnecting (the store keeps commands meanwhile)');
      } else if (status.type === 'reconnecting') {
        attempts++;
        logger.debug({ attempt: attempts }, 'NATS reconnect attempt');
      } else if (status.type === 'reconnect') {
        connected = true;
        logger.info({ server: status.server, attempts, downMs: Date.now() - downSince }, 'NATS reconnected');
        attempts = 0;
      } else if (status.type === 'close') {
        connected = false;
      }
    }
  })().catch((err) => logger.error({ err }, 'NATS status monitor failed'));

  return {
    nc,
    state: () => ({ connected: connected && !nc.isClosed(), reconnectAttempts: attempts }),
    readiness: async () => {
      if (nc.isClosed()) throw new Error('NATS connection closed');
      if (!connected) throw new Error(`NATS disconnected; reconnect attempt ${attempts}`);
      await nc.flush();
    },
    async close() {
      if (nc.isClosed()) return;
      if (connected) await nc.drain();
      else await nc.close();
    },
  };
}
