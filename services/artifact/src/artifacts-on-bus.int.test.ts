import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjectFilter } from '@railyard/contracts';
import { ensureBusStreams } from '@railyard/messaging';
import { testInfra, testSubjectPrefix } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactFixture, startArtifact } from './test-support/artifact-fixture.js';

// Other services learn about artifacts only from the bus: the relay publishes each event on its subject.
describe('artifact events on the bus', () => {
  let f: ArtifactFixture;
  let nc: NatsConnection;
  let prefix: string;
  let stream: string;

  beforeAll(async () => {
    const { natsUrl } = await testInfra();
    nc = await connect({ servers: natsUrl });
    prefix = testSubjectPrefix('artbus');
    stream = (await ensureBusStreams(await jetstreamManager(nc), { prefix, name: prefix.toUpperCase() })).stream;
    f = await startArtifact('artifactBus', { bus: { nats: nc, subjectPrefix: prefix } });
  });
  afterAll(async () => {
    await f?.close();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => {});
    await jsm.streams.delete(`${stream}_DLQ`).catch(() => {});
    await nc?.drain();
  });

  it('publishes registration and the refused overwrite on railyard.artifact.artifact.<EventType>', async () => {
    const sub = nc.subscribe(subjectFilter(prefix, 'artifact'), { max: 2, timeout: 10_000 });
    const ci = await f.auth('ci-bot', ['developer']);
    const put = (bytes: string) =>
      f.app.inject({
        method: 'PUT',
        url: '/artifacts/billing/1.0.0',
        headers: { ...ci, 'content-type': 'application/octet-stream' },
        payload: Buffer.from(bytes),
      });
    const first = await put('first');
    expect(first.statusCode).toBe(201);
    expect((await put('second')).statusCode).toBe(409);
    const received: { subject: string; id: string | undefined }[] = [];
    for await (const msg of sub) received.push({ subject: msg.subject, id: msg.headers?.get('Nats-Msg-Id') });
    expect(received.map((r) => r.subject)).toEqual([
      `${prefix}.artifact.artifact.ArtifactRegistered`,
      `${prefix}.artifact.artifact.ArtifactOverwriteRefused`,
    ]);
    const events = await f.store.readStream(`artifact-${first.json().id}`);
    expect(received.map((r) => r.id)).toEqual(events.map((e) => e.id));
  });
});
