import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testPostgres, uniqueSuffix } from '@railyard/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_NICE, discoverServices, processesOf, workerPlacementOf } from './discover-services.js';
import { ensureDatabase } from './ensure-database.js';
import { DEV_AUTH_SECRET, launchEnv, serviceEnv } from './launch-env.js';
import { createLinePrefixer, servicePrefix } from './line-prefixer.js';

const tmpRoots: string[] = [];
afterAll(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

function fakeRepo(services: Record<string, { packageJson?: boolean; built?: boolean }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'railyard-start-'));
  tmpRoots.push(root);
  for (const [name, { packageJson = true, built = true }] of Object.entries(services)) {
    mkdirSync(path.join(root, 'services', name, 'dist'), { recursive: true });
    if (packageJson) writeFileSync(path.join(root, 'services', name, 'package.json'), '{}');
    if (built) writeFileSync(path.join(root, 'services', name, 'dist', 'main.js'), '');
  }
  return root;
}

describe('discoverServices', () => {
  it('finds the built services with a package.json, in name order', () => {
    const root = fakeRepo({ planning: {}, artifact: {}, pipeline: { built: false }, notes: { packageJson: false } });
    const found = discoverServices(root);
    expect(found.map((s) => s.name)).toEqual(['artifact', 'planning']);
    expect(found[1]).toEqual({
      name: 'planning',
      dir: path.join(root, 'services', 'planning'),
      main: path.join(root, 'services', 'planning', 'dist', 'main.js'),
    });
  });

  it("starts the package's `main` when it names one", () => {
    const root = fakeRepo({ planning: { built: false } });
    const dir = path.join(root, 'services', 'planning');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ main: 'dist/src/main.js' }));
    expect(discoverServices(root)).toEqual([]);
    mkdirSync(path.join(dir, 'dist', 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'src', 'main.js'), '');
    expect(discoverServices(root).map((s) => s.main)).toEqual([path.join(dir, 'dist', 'src', 'main.js')]);
  });

  it('returns nothing when there is no services folder', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'railyard-empty-'));
    tmpRoots.push(root);
    expect(discoverServices(root)).toEqual([]);
  });
});

describe('line prefixing', () => {
  it('prefixes every complete line and holds a partial one until it ends', () => {
    const written: string[] = [];
    const prefixer = createLinePrefixer(servicePrefix('planning'), (t) => written.push(t));
    prefixer.write('{"msg":"listening"}\n{"msg":"rea');
    expect(written.join('')).toBe('[planning] {"msg":"listening"}\n');
    prefixer.write(Buffer.from('dy"}\r\nlast words'));
    prefixer.end();
    expect(written.join('')).toBe(
      '[planning] {"msg":"listening"}\n[planning] {"msg":"ready"}\n[planning] last words\n',
    );
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const written: string[] = [];
    const prefixer = createLinePrefixer('[x] ', (t) => written.push(t));
    const bytes = Buffer.from('déploiement\n');
    prefixer.write(bytes.subarray(0, 2));
    prefixer.write(bytes.subarray(2));
    expect(written.join('')).toBe('[x] déploiement\n');
  });

  it('pads names so the services line up', () => {
    expect(servicePrefix('planning', 13)).toBe('[planning]      ');
    expect(servicePrefix('orchestration', 13)).toBe('[orchestration] ');
  });
});

describe('launchEnv', () => {
  it('passes the environment through and adds the development secret with a warning when none is set', () => {
    const { env, warnings } = launchEnv({ NATS_URL: 'nats://x:4222' });
    expect(env).toEqual({ NATS_URL: 'nats://x:4222', RAILYARD_AUTH_SECRET: DEV_AUTH_SECRET });
    expect(DEV_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(warnings.join('')).toMatch(/Production must set/);
  });

  it('keeps a configured secret or JWKS, and refuses the fallback in production', () => {
    expect(launchEnv({ RAILYARD_AUTH_SECRET: 's'.repeat(40) })).toEqual({
      env: { RAILYARD_AUTH_SECRET: 's'.repeat(40) },
      warnings: [],
    });
    expect(launchEnv({ RAILYARD_JWKS_URL: 'https://idp/jwks' }).env.RAILYARD_AUTH_SECRET).toBeUndefined();
    expect(() => launchEnv({ NODE_ENV: 'production' })).toThrow(/must be set/);
  });
});

describe('ensureDatabase', () => {
  it('creates the database of the URL once, then finds it', async () => {
    const { url } = await testPostgres();
    const name = `rytest_ensure_${uniqueSuffix()}`;
    const target = new URL(url);
    target.pathname = `/${name}`;
    try {
      expect(await ensureDatabase(target.toString())).toBe(true);
      expect(await ensureDatabase(target.toString())).toBe(false);
      const client = new pg.Client({ connectionString: target.toString() });
      await client.connect();
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      await client.end();
      expect(rows[0]?.db).toBe(name);
    } finally {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('serviceEnv', () => {
  it("gives a service the port of its <SERVICE>_PORT, and leaves the others' environment as it is", () => {
    const env = { PLANNING_PORT: '5101', NATS_URL: 'nats://x:4222' };
    expect(serviceEnv('planning', env)).toEqual({ ...env, PORT: '5101' });
    expect(serviceEnv('artifact', env)).toBe(env);
    expect(serviceEnv('deploy-agent', { DEPLOY_AGENT_PORT: '7' }).PORT).toBe('7');
    expect(serviceEnv('planning', { PLANNING_PORT: ' ', PORT: '9' }).PORT).toBe('9');
  });
});

describe('worker placement', () => {
  const planning = { name: 'planning', dir: '/srv/planning', main: '/srv/planning/dist/main.js' };

  it('runs one process per service by default', () => {
    expect(workerPlacementOf({})).toEqual({ placement: 'inline', nice: DEFAULT_WORKER_NICE });
    expect(processesOf([planning], 'inline', 10)).toEqual([planning]);
  });

  it('separates each service into a web process on its port and a niced worker on its own', () => {
    const placement = workerPlacementOf({ RAILYARD_WORKERS: 'separate', RAILYARD_WORKER_NICE: '15' });
    expect(placement).toEqual({ placement: 'separate', nice: 15 });
    const [web, worker] = processesOf([planning], placement.placement, placement.nice);
    expect(web).toEqual({ ...planning, env: { RAILYARD_ROLE: 'web' } });
    expect(worker).toEqual({
      ...planning,
      name: 'planning-worker',
      env: { RAILYARD_ROLE: 'worker', PORT: '0' },
      nice: 15,
    });
    // The worker's port comes from <NAME>_WORKER_PORT, through the same rule as a service's.
    expect(serviceEnv(worker!.name, { ...worker!.env, PLANNING_WORKER_PORT: '4201' }).PORT).toBe('4201');
    expect(serviceEnv(worker!.name, { ...worker!.env, PLANNING_PORT: '5101' }).PORT).toBe('0');
  });

  it('refuses a placement or a niceness it does not know, naming the variable', () => {
    expect(() => workerPlacementOf({ RAILYARD_WORKERS: 'split' })).toThrow(
      /RAILYARD_WORKERS must be inline or separate/,
    );
    for (const nice of ['-1', '20', '2.5', 'low']) {
      expect(() => workerPlacementOf({ RAILYARD_WORKER_NICE: nice })).toThrow(
        /RAILYARD_WORKER_NICE must be an integer/,
      );
    }
  });
});
