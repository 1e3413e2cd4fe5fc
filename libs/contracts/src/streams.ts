/**
 * Stream names are `<aggregate>-<id>`: a camelCase category with no dash, then the id (DESIGN §4).
 * Subjects are `<prefix>.<service>.<aggregate>.<EventType>` (prefix `railyard` in production).
 */

export const SERVICES = ['planning', 'artifact', 'pipeline', 'orchestration', 'monitoring', 'governance'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Which service owns each stream category. A stream belongs to exactly one service. Its events: catalogues.ts. */
export const CATEGORY_OWNERS = {
  release: 'planning',
  releaseTrain: 'planning',
  riskPolicy: 'planning',
  artifact: 'artifact',
  bundle: 'artifact',
  signingKey: 'artifact',
  pipelineDefinition: 'pipeline',
  pipelineRun: 'pipeline',
  securityPolicy: 'pipeline',
  performanceBaseline: 'pipeline',
  environment: 'orchestration',
  bookingCalendar: 'orchestration',
  dataset: 'orchestration',
  quota: 'orchestration',
  deploymentCalendar: 'orchestration',
  windowOverride: 'orchestration',
  flag: 'orchestration',
  flagSegment: 'orchestration',
  deployment: 'orchestration',
  rolloutPlan: 'orchestration',
  serviceSchema: 'orchestration',
  canaryJudgement: 'monitoring',
  deploymentWatch: 'monitoring',
  alert: 'monitoring',
  anomaly: 'monitoring',
  journey: 'monitoring',
  journeyRun: 'monitoring',
  incident: 'governance',
  serviceOwnership: 'governance',
  grant: 'governance',
  accessReview: 'governance',
  rollbackDrill: 'governance',
  rotation: 'governance',
  deploymentPolicy: 'governance',
  retrospective: 'governance',
  noticeTemplate: 'governance',
  notice: 'governance',
} as const satisfies Record<string, ServiceName>;
export type Category = keyof typeof CATEGORY_OWNERS;

const CATEGORY_RE = /^[a-z][a-zA-Z0-9]*$/;

/** Builds a stream name from a category and an id. */
export function streamName(category: string, id: string): string {
  if (!CATEGORY_RE.test(category)) throw new TypeError(`invalid stream category: ${category}`);
  if (id.length === 0) throw new TypeError('stream id must not be empty');
  return `${category}-${id}`;
}

/** Splits a stream name into its category (before the first dash) and id. */
export function parseStreamName(stream: string): { category: string; id: string } {
  const dash = stream.indexOf('-');
  if (dash <= 0 || dash === stream.length - 1) throw new TypeError(`not a stream name: ${stream}`);
  const category = stream.slice(0, dash);
  if (!CATEGORY_RE.test(category)) throw new TypeError(`invalid stream category in: ${stream}`);
  return { category, id: stream.slice(dash + 1) };
}

/** The categories a service owns. */
export function categoriesOf(service: ServiceName): string[] {
  return Object.entries(CATEGORY_OWNERS)
    .filter(([, owner]) => owner === service)
    .map(([category]) => category);
}

export const DEFAULT_SUBJECT_PREFIX = 'railyard';
const TOKEN_RE = /^[A-Za-z0-9_-]+$/;

function token(value: string, what: string): string {
  if (!TOKEN_RE.test(value)) throw new TypeError(`invalid subject ${what}: ${value}`);
  return value;
}

/** The subject an event is published on: `<prefix>.<service>.<aggregate>.<EventType>`. */
export function eventSubject(prefix: string, service: string, aggregate: string, eventType: string): string {
  return [prefix, token(service, 'service'), token(aggregate, 'aggregate'), token(eventType, 'event type')].join('.');
}

/** The subject for an event of a stream, deriving service and aggregate from the stream's category. */
export function subjectForStream(prefix: string, stream: string, eventType: string): string {
  const { category } = parseStreamName(stream);
  const owner = (CATEGORY_OWNERS as Record<string, string>)[category];
  if (!owner) throw new TypeError(`no service owns stream category ${category}`);
  return eventSubject(prefix, owner, category, eventType);
}

/** A wildcard subject: everything under a prefix, a service, or a service's aggregate. */
export function subjectFilter(prefix: string, service?: string, aggregate?: string): string {
  const parts = [prefix];
  if (service) parts.push(token(service, 'service'));
  if (aggregate) parts.push(token(aggregate, 'aggregate'));
  return service && aggregate ? `${parts.join('.')}.*` : `${parts.join('.')}.>`;
}

/** The dead-letter subject for a durable consumer. */
export function deadLetterSubject(prefix: string, consumer: string): string {
  return `${prefix}-dlq.${token(consumer.replaceAll('--', '_'), 'consumer')}`;
}

/** Durable consumer names are `<consumer-service>--<purpose>`. */
export function consumerName(service: ServiceName, purpose: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(purpose) || purpose.includes('--')) throw new TypeError(`invalid purpose: ${purpose}`);
  return `${service}--${purpose}`;
}

/**
 * The JetStream stream names of a subject prefix: `railyard` → `RAILYARD` and `RAILYARD_DLQ`. Derived from the
 * prefix so that a process started with another prefix (a test, a staging copy on a shared server) gets streams
 * of its own instead of taking over production's. Dots are not allowed in stream names, so they become `_`.
 */
export function busStreamNames(prefix: string): { stream: string; deadLetterStream: string } {
  for (const part of prefix.split('.')) token(part, 'prefix');
  const stream = prefix.toUpperCase().replaceAll('.', '_');
  return { stream, deadLetterStream: `${stream}_DLQ` };
}

/**
 * The core-NATS subject on which processes sharing a store announce that they appended (a hint that wakes the
 * others' subscriptions; see the kit's append wake-ups). Outside `<prefix>.>` on purpose: the bus stream captures
 * that, and these notices are never worth keeping.
 */
export function appendNoticeSubject(prefix: string): string {
  for (const part of prefix.split('.')) token(part, 'prefix');
  return `_RAILYARD.appended.${prefix}`;
}
