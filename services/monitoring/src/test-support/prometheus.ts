import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@railyard/testing';
import { debianBinary, freePort } from './debian-binary.js';

export interface ScrapeTarget {
  address: string;
  labels: Record<string, string>;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Stops a child this fixture started, by its own handle, and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * A real Prometheus (Debian's `prometheus`, 2.42 on Debian 12) on a free loopback port with a generated config and a
 * temporary storage directory, scraping `targets` every second; each target's labels (service, environment,
 * version) are attached to its series, as a service-discovery relabelling would in production.
 */
export async function startPrometheus(targets: ScrapeTarget[]): Promise<RunningPrometheus> {
  const binary = debianBinary('prometheus', 'prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'railyard-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      {
        job_name: 'apps',
        scrape_interval: '1s',
        scrape_timeout: '900ms',
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
  };
  // JSON is YAML: no YAML library needed to write the config.
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'prometheus ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
