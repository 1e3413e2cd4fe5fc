import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@railyard/testing';
import { debianBinary, freePort } from './debian-binary.js';
import { stopChild } from './prometheus.js';

export interface RunningAlertmanager {
  url: string;
  /** Pushes alerts into Alertmanager's API (`POST /api/v2/alerts`), as Prometheus's rule evaluation would. */
  push(
    alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string }[],
  ): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`, 0.25 on Debian 12) on a free loopback port, clustering
 * off, routing every alert at once (group_wait 0s) to `webhookUrl` with a bearer token, resolved ones included.
 */
export async function startAlertmanager(webhookUrl: string, bearer: string): Promise<RunningAlertmanager> {
  const binary = debianBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = await mkdtemp(join(tmpdir(), 'railyard-alertmanager-'));
  const port = await freePort();
  const config = {
    route: {
      receiver: 'railyard',
      group_by: ['alertname', 'service'],
      group_wait: '0s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'railyard',
        webhook_configs: [
          {
            url: webhookUrl,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials: bearer } },
          },
        ],
      },
    ],
  };
  // JSON is YAML: no YAML library needed to write the config.
  await writeFile(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
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
      'alertmanager ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts.map((a) => ({ annotations: {}, startsAt: new Date().toISOString(), ...a }))),
      });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
