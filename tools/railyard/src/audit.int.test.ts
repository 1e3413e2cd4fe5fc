import { createPostgresEventStore, type PostgresEventStore, type RecordedEvent } from '@railyard/eventstore';
import { createTestDatabase, type TestDatabase, tamperAsSuperuser, waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, appendAndRead, runCli } from './test-support/cli-harness.js';

let tdb: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
let events: RecordedEvent[];

beforeAll(async () => {
  tdb = await createTestDatabase('cliAudit');
  store = createPostgresEventStore({ connectionString: tdb.url });
  await store.ready();
  env = { DATABASE_URL: tdb.url };
  events = [
    ...(await appendAndRead(store, 'release-a1', [
      anEvent('ReleasePlanned', { name: 'A' }),
      anEvent('ReleaseFrozen', {}),
    ])),
    ...(await appendAndRead(store, 'release-b2', [
      anEvent('ReleasePlanned', { name: 'B' }),
      anEvent('ReleaseFrozen', {}),
    ])),
  ];
});

afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

describe('railyard audit', () => {
  it('seals the log and verifies an intact one (exit 0)', async () => {
    // The sealer only takes events no running transaction can still precede, and transaction ids are
    // cluster-wide: other test files' open transactions can hold it back for a moment. Seal until all is sealed.
    const seals: string[] = [];
    await waitFor(
      `a seal up to position ${events[3]?.position}`,
      async () => {
        const seal = await runCli(['audit', 'seal'], env);
        expect(seal.code).toBe(0);
        if (!seal.stdout.startsWith('nothing to seal')) seals.push(seal.stdout);
        return seals.join('\n').includes(`..${events[3]?.position} `);
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(seals[0]).toMatch(new RegExp(`^seal 1: positions ${events[0]?.position}\\.\\.\\d+ \\(\\d+ events\\)$`));
    expect(seals.at(-1)).toMatch(new RegExp(`\\.\\.${events[3]?.position} \\(\\d+ events\\)$`));
    expect((await runCli(['audit', 'seal'], env)).stdout).toBe('nothing to seal: no events after the last seal');

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.out[0]).toBe(`ok: 4 events in 2 streams, ${seals.length} seals checked (0 events not yet sealed)`);
    expect(verify.out[1]).toMatch(/^sealer lag: none \(last seal \d+ s ago\)$/);
  });

  it('names the first tampered event and exits 1', async () => {
    const tampered = events[2] as RecordedEvent;
    // The events table rejects UPDATE through triggers that fire even in replica mode; only someone able to
    // switch them off (a superuser) can change a row. The audit must still see it.
    await tamperAsSuperuser(
      tdb.url,
      `${store.schema}.events`,
      `UPDATE ${store.schema}.events SET data = '{"name":"forged"}' WHERE global_position = $1`,
      [tampered.position.toString()],
    );
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code).toBe(1);
    expect(verify.out[0]).toBe(
      `BROKEN at position ${tampered.position}, stream release-b2, revision 0: hash does not match the event's content and its predecessor`,
    );
  });

  it('refuses to audit KurrentDB (exit 2) without connecting to it', async () => {
    const result = await runCli(['audit', 'verify'], { ...env, EVENTSTORE_URL: 'kurrentdb://127.0.0.1:1?tls=false' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/KurrentDB/);
  });

  it('rejects an unknown audit subcommand', async () => {
    expect((await runCli(['audit', 'fix'], env)).code).toBe(2);
  });
});
