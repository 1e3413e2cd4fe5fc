import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  ArtifactPromoted,
  ArtifactRegistered,
  ArtifactSigned,
  consumerName,
  deadLetterSubject,
  StaticAnalysisAttached,
  subjectFilter,
  VulnerabilityScanAttached,
} from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import {
  type BusEvent,
  createConsumer,
  type DurableConsumer,
  type MessagingLogger,
  PoisonMessageError,
} from '@railyard/messaging';
import type pg from 'pg';
import type { z } from 'zod';

export const ARTIFACT_GATES_CONSUMER = consumerName('pipeline', 'artifact-gates');

function parsed<S extends z.ZodType>(schema: S, event: BusEvent): z.infer<S> {
  const result = schema.safeParse(event.data);
  // An artifact event that does not match the catalogue can never succeed: dead-letter it.
  if (!result.success) throw new PoisonMessageError(`${event.type} ${event.id} does not match its schema`);
  return result.data;
}

/** A later event about an artifact whose registration has not been applied yet: retry (transient). */
async function update(tx: pg.PoolClient, event: BusEvent, artifactId: string, set: string, values: unknown[]) {
  const { rowCount } = await tx.query(
    `UPDATE pipeline.artifact_gates SET ${set}, last_event_id = $2, updated_at = $3 WHERE artifact_id = $1`,
    [artifactId, event.id, event.createdAt, ...values],
  );
  if (rowCount === 0) throw new Error(`artifact ${artifactId} is not registered in the gate read model yet`);
}

/** Folds one artifact event into `pipeline.artifact_gates`, inside the consumer's inbox transaction. */
export async function applyArtifactEvent(event: BusEvent, tx: pg.PoolClient): Promise<void> {
  switch (event.type) {
    case 'ArtifactRegistered': {
      const d = parsed(ArtifactRegistered.schema, event);
      await tx.query(
        `INSERT INTO pipeline.artifact_gates (artifact_id, name, version, sha256, last_event_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (artifact_id) DO NOTHING`,
        [d.artifactId, d.name, d.version, d.sha256, event.id, event.createdAt],
      );
      return;
    }
    case 'StaticAnalysisAttached': {
      const d = parsed(StaticAnalysisAttached.schema, event);
      return update(tx, event, d.artifactId, 'static_analysis = $4', [JSON.stringify({ tool: d.tool, ...d.findings })]);
    }
    case 'VulnerabilityScanAttached': {
      const d = parsed(VulnerabilityScanAttached.schema, event);
      return update(tx, event, d.artifactId, 'vulnerabilities = $4', [JSON.stringify({ tool: d.tool, ...d.counts })]);
    }
    case 'ArtifactSigned': {
      const d = parsed(ArtifactSigned.schema, event);
      return update(tx, event, d.artifactId, 'signed = true', []);
    }
    case 'ArtifactPromoted': {
      const d = parsed(ArtifactPromoted.schema, event);
      return update(tx, event, d.artifactId, 'promoted_to = array_append(array_remove(promoted_to, $4), $4)', [
        d.stage,
      ]);
    }
    default:
      // Other artifact events say nothing the gates read.
      return;
  }
}

/** The durable consumer `pipeline--artifact-gates` on the artifact aggregate's subjects. */
export function createArtifactGatesConsumer(options: {
  /** The shared event store: a new deployment first handles every artifact event in it (see catchUp below). */
  store: EventStore;
  js: JetStreamClient;
  jsm: JetStreamManager;
  pool: pg.Pool;
  stream: string;
  subjectPrefix: string;
  logger?: MessagingLogger;
}): DurableConsumer {
  return createConsumer({
    js: options.js,
    jsm: options.jsm,
    pool: options.pool,
    stream: options.stream,
    durableName: ARTIFACT_GATES_CONSUMER,
    filterSubject: subjectFilter(options.subjectPrefix, 'artifact', 'artifact'),
    deadLetterSubject: deadLetterSubject(options.subjectPrefix, ARTIFACT_GATES_CONSUMER),
    backoff: [200, 1000, 5000],
    handler: (event, ctx) => applyArtifactEvent(event, ctx.tx),
    // Gates need every artifact ever registered, not just the bus's last days: a new deployment (or one down longer
    // than the bus keeps messages) reads the artifact events from the store first, then joins the bus.
    catchUp: { store: options.store, subjectPrefix: options.subjectPrefix, start: 'beginning' },
    logger: options.logger,
  });
}
