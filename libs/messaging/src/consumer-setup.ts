import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface DurableConsumerConfig {
  stream: string;
  durableName: string;
  filterSubject: string;
  ackWaitMs: number;
  /** Most unacknowledged messages the server hands out across all replicas. */
  maxAckPending: number;
}

/**
 * Creates the durable pull consumer, or updates the settings that may change between deploys. Redelivery is
 * bounded by the consumer loop, not the server: a server-side max_deliver would silently stop delivering a
 * message whose last attempt crashed, and it would never reach the dead-letter subject.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, config: DurableConsumerConfig): Promise<void> {
  const settings: Partial<ConsumerConfig> = {
    ack_wait: nanos(config.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: config.maxAckPending,
  };
  try {
    await jsm.consumers.info(config.stream, config.durableName);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(config.stream, {
      ...settings,
      durable_name: config.durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: config.filterSubject,
    });
    return;
  }
  await jsm.consumers.update(config.stream, config.durableName, { ...settings, filter_subject: config.filterSubject });
}
