import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineFixture, startPipeline } from '../test-support/pipeline-fixture.js';

// Gate inputs about artifacts come from the artifact service's events on NATS, through the durable consumer
// `pipeline--artifact-gates`, into this service's own table: never from the artifact service's tables.
describe('the artifact gate read model', () => {
  let f: PipelineFixture;
  beforeAll(async () => {
    f = await startPipeline('pipeGates');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('is fed by artifact events relayed to the bus, exactly once per event', async () => {
    const sha256 = 'b'.repeat(64);
    const artifactId = await f.publishArtifact({ name: 'ledger', version: '1.4.0', sha256, signed: true });
    const dev = await f.auth('dev-ana', ['developer']);
    const gates = await f.until('the signature in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/ledger/1.4.0/gates', headers: dev });
      return res.statusCode === 200 && res.json().signed ? res.json() : undefined;
    });
    expect(gates).toMatchObject({
      artifactId,
      name: 'ledger',
      version: '1.4.0',
      sha256,
      staticAnalysis: { tool: 'semgrep', critical: 0, high: 1 },
      signed: true,
    });
    // Each event is in the consumer's inbox once, committed with its effect.
    const { rows } = await f.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM messaging.inbox WHERE consumer = 'pipeline--artifact-gates'`,
    );
    expect(Number(rows[0]!.n)).toBe(3);
  });

  it('dead-letters an artifact event that does not match the catalogue, and leaves the read model alone', async () => {
    const id = randomUUID();
    const metadata = {
      occurredAt: new Date().toISOString(),
      actor: { id: 'artifact-service', kind: 'system' as const, roles: [] },
      correlationId: id,
      causationId: id,
      schemaVersion: 1,
    };
    await f.store.append(
      `artifact-${id}`,
      [{ id: randomUUID(), type: 'ArtifactRegistered', data: { artifactId: 'not-a-uuid', name: 'x' }, metadata }],
      'noStream',
    );
    await f.until('the dead letter', async () =>
      f.runtime.artifactGates!.status().deadLettered >= 1 ? true : undefined,
    );
    const { rows } = await f.pool.query(`SELECT 1 FROM pipeline.artifact_gates WHERE name = 'x'`);
    expect(rows).toEqual([]);
  });

  it('catches up from the event store on artifact events the bus no longer holds', async () => {
    const consumer = f.runtime.artifactGates!;
    await consumer.stop();
    const sha256 = 'c'.repeat(64);
    const jsm = await jetstreamManager(f.nc);
    const lastSeq = async () => (await jsm.streams.info(f.bus.stream)).state.last_seq;
    const before = await lastSeq();
    const artifactId = await f.publishArtifact({ name: 'vault', version: '2.0.0', sha256, signed: true });
    // Its three events reach the bus (and only then are purged): afterwards only the store still has them.
    await f.until('the events on the bus', async () => ((await lastSeq()) >= before + 3 ? true : undefined));
    // Gone from the bus before the consumer saw them; deleting the durable is how an operator asks for a catch-up.
    await jsm.streams.purge(f.bus.stream);
    await jsm.consumers.delete(f.bus.stream, 'pipeline--artifact-gates');
    await consumer.start();
    const dev = await f.auth('dev-ana', ['developer']);
    const gates = await f.until('the catch-up in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/vault/2.0.0/gates', headers: dev });
      return res.statusCode === 200 && res.json().signed ? res.json() : undefined;
    });
    expect(gates).toMatchObject({ artifactId, sha256, signed: true });
    expect(consumer.status().fromStore).toBeGreaterThanOrEqual(3);
  });

  it('answers 404 problem+json for an artifact no event mentioned', async () => {
    const dev = await f.auth('dev-ana', ['developer']);
    const res = await f.app.inject({ method: 'GET', url: '/artifacts/nope/0.0.1/gates', headers: dev });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('PIPELINE_ARTIFACT_UNKNOWN');
  });
});
