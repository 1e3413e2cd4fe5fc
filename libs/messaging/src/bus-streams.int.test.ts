import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { busStreamNames } from '@railyard/contracts';
import { testInfra, testSubjectPrefix } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusStreams, ensureStream } from './bus-streams.js';

let nc: NatsConnection;
let jsm: JetStreamManager;
const created: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: (await testInfra()).natsUrl });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  for (const name of created) await jsm.streams.delete(name).catch(() => {});
  await nc?.close();
});

describe('bus stream names', () => {
  it('keeps production’s names for the production prefix', () => {
    expect(busStreamNames('railyard')).toEqual({ stream: 'RAILYARD', deadLetterStream: 'RAILYARD_DLQ' });
  });

  it('derives other names from other prefixes, dots made legal', () => {
    expect(busStreamNames('faults')).toEqual({ stream: 'FAULTS', deadLetterStream: 'FAULTS_DLQ' });
    expect(busStreamNames('staging.eu')).toEqual({ stream: 'STAGING_EU', deadLetterStream: 'STAGING_EU_DLQ' });
    expect(() => busStreamNames('bad>prefix')).toThrow(TypeError);
  });
});

describe('ensureBusStreams', () => {
  it('gives each prefix streams of its own, leaving another prefix’s streams untouched', async () => {
    const first = testSubjectPrefix('bsa');
    const second = testSubjectPrefix('bsb');
    const a = await ensureBusStreams(jsm, { prefix: first });
    created.push(a.stream, a.deadLetterStream);
    const b = await ensureBusStreams(jsm, { prefix: second });
    created.push(b.stream, b.deadLetterStream);

    expect(a).toEqual(busStreamNames(first));
    expect(b).toEqual(busStreamNames(second));
    expect(a.stream).not.toBe(b.stream);
    // The first prefix's streams still capture exactly what they did: starting the second took nothing over.
    expect((await jsm.streams.info(a.stream)).config.subjects).toEqual([`${first}.>`]);
    expect((await jsm.streams.info(a.deadLetterStream)).config.subjects).toEqual([`${first}-dlq.>`]);
    // And a publish under each prefix lands in that prefix's stream.
    const js = jetstream(nc);
    expect((await js.publish(`${first}.planning.release.ReleasePlanned`, '{}')).stream).toBe(a.stream);
    expect((await js.publish(`${second}.planning.release.ReleasePlanned`, '{}')).stream).toBe(b.stream);
  });

  it('adds its subjects to an existing stream instead of replacing the ones others publish to', async () => {
    const prefix = testSubjectPrefix('bsu');
    const other = testSubjectPrefix('bso');
    const { stream } = busStreamNames(prefix);
    // Someone else's subjects on the stream this prefix maps to (an operator, or a service with another config).
    await jsm.streams.add({ name: stream, subjects: [`${other}.>`] });
    created.push(stream, `${stream}_DLQ`);

    await ensureBusStreams(jsm, { prefix });
    expect((await jsm.streams.info(stream)).config.subjects.sort()).toEqual([`${other}.>`, `${prefix}.>`].sort());

    // Ensuring again, or with a narrower list, never narrows what the stream captures.
    await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`] });
    expect((await jsm.streams.info(stream)).config.subjects.sort()).toEqual([`${other}.>`, `${prefix}.>`].sort());
    const js = jetstream(nc);
    expect((await js.publish(`${other}.artifact.artifact.ArtifactRegistered`, '{}')).stream).toBe(stream);
  });
});
