import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@railyard/testing/wait-for';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceEntry } from './discover-services.js';
import { superviseServices } from './supervisor.js';

// Stand-in services (tiny CommonJS scripts under the OS temp dir), not the real ones: what is under test is the
// supervision.
const root = mkdtempSync(path.join(tmpdir(), 'railyard-supervise-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeService(name: string, script: string): ServiceEntry {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const main = path.join(dir, 'main.js');
  writeFileSync(main, script);
  return { name, dir, main };
}

const POLITE = `
process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
console.log('ready ' + process.env.MARK);
setInterval(() => {}, 1000);
`;
const STUBBORN = `
process.on('SIGTERM', () => console.log('not stopping'));
console.log('ready');
setInterval(() => {}, 1000);
`;

/** Waits for a condition on the captured output: at most 10 s, checked every 20 ms. */
const until = (what: string, condition: () => boolean) =>
  waitFor(what, condition, { timeoutMs: 10_000, intervalMs: 20 });

function capture() {
  const out: string[] = [];
  const logs: string[] = [];
  return {
    out,
    logs,
    options: {
      env: { ...process.env, MARK: 'x1' },
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      log: (l: string) => logs.push(l),
    },
  };
}

describe('superviseServices', () => {
  it('prefixes output, forwards a stop as SIGTERM and exits 0 once all have stopped', async () => {
    const c = capture();
    const sup = superviseServices([fakeService('alpha', POLITE), fakeService('beta-long', POLITE)], c.options);
    await until('both services to start', () => c.out.join('').split('ready').length === 3);
    expect(c.out.join('')).toContain('[alpha]     ready x1\n');
    sup.stop();
    expect(await sup.done).toBe(0);
    expect(c.out.join('')).toContain('[alpha]     bye\n');
    expect(c.out.join('')).toContain('[beta-long] bye\n');
  });

  it('stops the others and exits 1 when a service dies', async () => {
    const c = capture();
    const readyFile = path.join(root, 'alpha-ready');
    const crashing = `
      const { existsSync } = require('node:fs');
      const t = setInterval(() => { if (existsSync(${JSON.stringify(readyFile)})) { console.error('boom'); process.exit(3); } }, 10);
    `;
    const polite = `${POLITE}\nrequire('node:fs').writeFileSync(${JSON.stringify(readyFile)}, '');`;
    const sup = superviseServices([fakeService('gamma', polite), fakeService('delta', crashing)], c.options);
    expect(await sup.done).toBe(1);
    expect(c.out.join('')).toContain('[delta] boom\n');
    expect(c.out.join('')).toContain('[gamma] bye\n');
    expect(c.logs.join('\n')).toMatch(/delta exited unexpectedly \(code 3\)/);
  });

  it('starts each process with its own variables and niceness', async () => {
    const c = capture();
    // The launcher renices a process right after spawning it, so each reads its niceness (field 19 of
    // /proc/self/stat) until it is not 0, or for a second, and prints what it found.
    const script = `
      const { readFileSync } = require('node:fs');
      const niceness = () => { const s = readFileSync('/proc/self/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[16]; };
      const since = Date.now();
      const report = () => {
        const n = niceness();
        if (n === '0' && Date.now() - since < 1000) return setTimeout(report, 10);
        console.log('role=' + process.env.RAILYARD_ROLE + ' nice=' + n + ' mark=' + process.env.MARK);
      };
      report();
      ${POLITE}`;
    const web = { ...fakeService('zeta', script), env: { RAILYARD_ROLE: 'web' } };
    const worker = { ...fakeService('zeta-worker', script), env: { RAILYARD_ROLE: 'worker' }, nice: 7 };
    const sup = superviseServices([web, worker], c.options);
    await until('both processes to report', () => c.out.join('').split('role=').length === 3);
    sup.stop();
    expect(await sup.done).toBe(0);
    const out = c.out.join('');
    expect(out).toContain('[zeta]        role=web nice=0 mark=x1\n');
    expect(out).toContain('[zeta-worker] role=worker nice=7 mark=x1\n');
  });

  it('kills a service that ignores SIGTERM after the grace period', async () => {
    const c = capture();
    const sup = superviseServices([fakeService('epsilon', STUBBORN)], { ...c.options, graceMs: 200 });
    await until('the service to start', () => c.out.join('').includes('ready'));
    sup.stop();
    expect(await sup.done).toBe(0);
    expect(c.out.join('')).toContain('[epsilon] not stopping\n');
    expect(c.logs.join('\n')).toMatch(/epsilon did not stop within 0.2 s; killing it/);
  });
});
