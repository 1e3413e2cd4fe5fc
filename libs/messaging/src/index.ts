export { type BusEvent, BusHeaders, DeadLetterHeaders, decodeBusEvent, encodeBusEvent } from './bus-event.js';
export { type BusStreamNames, type EnsureStreamOptions, ensureBusStreams, ensureStream } from './bus-streams.js';
export {
  type ConsumerOptions,
  type ConsumerStatus,
  createConsumer,
  type DurableConsumer,
  type MessageContext,
  type MessageHandler,
} from './consumer.js';
export { type ConsumerCatchUp, readCatchUpPosition, storeFilterForSubject } from './consumer-catch-up.js';
export { type DurableConsumerConfig, ensureDurableConsumer } from './consumer-setup.js';
export { type DeadLetterSource, publishDeadLetter } from './dead-letter.js';
export { describeError, isPoison, PoisonMessageError } from './errors.js';
export { type MessagingLogger, silentLogger } from './logger.js';
export { ensureMessagingSchema } from './messaging-schema.js';
export { createRelay, type Relay, type RelayOptions, type RelayState, type RelayStatus } from './relay.js';
export { readRelayCheckpoint } from './relay-checkpoint.js';
export { publishEvent } from './relay-publish.js';
export { extractTraceContext, injectTraceHeaders, traceContextFromMetadata } from './trace-context.js';
