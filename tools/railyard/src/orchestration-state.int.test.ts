import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bookingCalendarEvents,
  bookingCalendarStream,
  environmentEvents,
  environmentStream,
} from '@railyard/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, appendAndRead, runCli } from './test-support/cli-harness.js';

// `railyard state` and `export` on orchestration's categories: the service exports its folds and catalogues.
let tdb: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
const change = randomUUID();
const envStream = environmentStream('pr-77');
const calendarStream = bookingCalendarStream('pr-77');

const environment = (type: keyof typeof environmentEvents, data: Record<string, unknown>, correlationId?: string) =>
  anEvent(type, environmentEvents[type].schema.parse(data) as Record<string, unknown>, 'sre-sam', correlationId);

beforeAll(async () => {
  tdb = await createTestDatabase('cliOrch');
  store = createPostgresEventStore({ connectionString: tdb.url });
  await store.ready();
  env = { DATABASE_URL: tdb.url };
  await appendAndRead(store, envStream, [
    environment('EnvironmentRegistered', {
      name: 'pr-77',
      service: 'checkout',
      tier: 'ephemeral',
      region: 'eu',
      iac: {
        template: 'mod/checkout',
        version: '1.0.0',
        parameters: { replicas: 1 },
        parametersSha256: 'a'.repeat(64),
      },
      driftIgnore: [],
      ttlMinutes: 60,
      expiresAt: '2026-12-01T10:00:00.000Z',
      recreate: null,
      registeredAt: '2026-12-01T09:00:00.000Z',
      registeredBy: 'sre-sam',
    }),
  ]);
  await appendAndRead(store, envStream, [
    environment(
      'ActualConfigReported',
      { name: 'pr-77', config: { replicas: 2 }, configSha256: 'b'.repeat(64), reportedBy: 'agent' },
      change,
    ),
    environment(
      'DriftDetected',
      {
        name: 'pr-77',
        configSha256: 'b'.repeat(64),
        differences: [{ op: 'replace', path: '/replicas', expected: 1, actual: 2 }],
      },
      change,
    ),
  ]);
  const booking = bookingCalendarEvents.BookingConfirmed.schema.parse({
    environment: 'pr-77',
    bookingId: randomUUID(),
    releaseId: 'rel-1',
    phase: 'integration',
    from: '2026-12-02T00:00:00.000Z',
    until: '2026-12-03T00:00:00.000Z',
    datasets: [],
    bookedBy: 'rm-ana',
    requestedAt: '2026-12-01T09:00:00.000Z',
  }) as Record<string, unknown>;
  await appendAndRead(store, calendarStream, [anEvent('BookingConfirmed', booking, 'rm-ana', change)]);
});

afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

describe('railyard state and export on orchestration streams', () => {
  it('folds an environment with the orchestration decider', async () => {
    const registered = await runCli(['state', envStream, '--at', 'revision:0'], env);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout).state).toMatchObject({
      exists: true,
      name: 'pr-77',
      drift: { status: 'unknown' },
    });
    const drifted = JSON.parse((await runCli(['state', envStream, '--at', 'revision:2'], env)).stdout);
    expect(drifted).toMatchObject({ category: 'environment', revision: '2' });
    expect(drifted.state.drift).toEqual({
      status: 'drifted',
      differences: [{ op: 'replace', path: '/replicas', expected: 1, actual: 2 }],
    });
    const calendar = JSON.parse((await runCli(['state', calendarStream, '--at', 'revision:0'], env)).stdout);
    expect(calendar.state.bookings).toEqual([expect.objectContaining({ releaseId: 'rel-1', status: 'confirmed' })]);
  });

  it('exports a change that spans an environment and its booking calendar', async () => {
    const out = join(tmpdir(), `railyard-export-${randomUUID()}.json`);
    const result = await runCli(['export', '--correlation', change, '--out', out], env);
    expect(result.code, result.stderr).toBe(0);
    const bundle = JSON.parse(await readFile(out, 'utf8'));
    expect(bundle.streams.map((s: { streamId: string }) => s.streamId)).toEqual([envStream, calendarStream]);
    expect(bundle.verification).toMatchObject({ ok: true });
  });
});
