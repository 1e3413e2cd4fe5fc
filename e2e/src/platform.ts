import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeployAgent, type DeployAgent } from '@railyard/deploy-agent';
import { waitFor } from '@railyard/testing/wait-for';

/**
 * The platform as production starts it: the six services as child processes of `npm start`'s launcher
 * (tools/railyard/dist/start.js), beside the third parties they talk to, all real and on loopback: the reference
 * deploy agent, a Prometheus scraping the agent's per-version metrics, a fake PagerDuty (Events API v2) and a
 * webhook receiver for governance's notices. Shared by the end-to-end test and `npm run demo`.
 */

/** The repository root: this file is e2e/{src,dist}/platform.(ts|js). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const SERVICES = ['planning', 'artifact', 'pipeline', 'orchestration', 'monitoring', 'governance'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The agent's secrets for this platform (Standard Webhooks: whsec_ + base64 of 16+ bytes). */
const AGENT_SECRET = `whsec_${Buffer.from('e2e-platform-agent-request-secret').toString('base64')}`;
const CALLBACK_SECRET = `whsec_${Buffer.from('e2e-platform-agent-callback-secret').toString('base64')}`;
export const PAGERDUTY_ROUTING_KEY = 'E2EPLATFORMROUTINGKEY0123456789A';
export const ANALYST_PASSWORD = 'e2e-analyst-password';

/** How long a "minute" of a canary pause lasts on this platform, and the canary every prod deploy runs. */
export const MINUTE_MS = 1000;
export const CANARY = {
  type: 'canary',
  steps: [
    { weight: 25, pauseMinutes: 8 },
    { weight: 100, pauseMinutes: 0 },
  ],
} as const;

export interface ScrapeTarget {
  service: string;
  environment: string;
  version: string;
}

export interface PlatformOptions {
  databaseUrl: string;
  natsUrl: string;
  subjectPrefix: string;
  authSecret: string;
  /** The versions whose metrics Prometheus scrapes from the agent; null: no Prometheus (metrics pushed). */
  scrape: ScrapeTarget[] | null;
  /** Where the services' prefixed output goes; by default it is kept (the last lines) for failure reports. */
  output?: (text: string) => void;
}

export interface Received {
  path: string;
  body: Record<string, unknown>;
}

export interface Platform {
  urls: Record<ServiceName, string>;
  agent: DeployAgent;
  agentUrl: string;
  prometheusUrl: string | null;
  pagerDuty: { url: string; received: Received[] };
  notices: { url: string; received: Received[] };
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  /** The last lines the services wrote (for a failure's report). */
  recentOutput(): string;
  /** Each service process's resident set size in bytes, read from /proc (Linux). */
  rss(): Partial<Record<ServiceName, number>>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (asked of the kernel, then released for the program to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A loopback HTTP server recording every JSON body it receives and answering 202 (PagerDuty's answer). */
async function recorder(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      } catch {
        body = { raw: Buffer.concat(chunks).toString() };
      }
      received.push({ path: req.url ?? '', body });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: body.dedup_key ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const which = (name: string) => {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Waits until `probe` holds, giving up at once when `failed` names a reason (a child process exited). */
function poll(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  failed?: () => string | null,
  detail?: () => string,
): Promise<void> {
  return waitFor(what, probe, { timeoutMs, intervalMs: 100, giveUpIf: failed, context: detail }).then(() => undefined);
}

/** Debian's Prometheus scraping the agent's per-version targets every second (labels: service, environment, version). */
async function startPrometheus(agentAddress: string, targets: ScrapeTarget[]) {
  const binary = which('prometheus');
  if (!binary) throw new Error('prometheus is not installed: run `apt-get install -y prometheus` (as .ci/run does)');
  const dir = await mkdtemp(path.join(tmpdir(), 'railyard-e2e-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      {
        job_name: 'apps',
        scrape_interval: '1s',
        scrape_timeout: '900ms',
        static_configs: targets.map((t) => ({
          targets: [agentAddress],
          labels: { __metrics_path__: `/metrics/${t.service}/${t.environment}/${t.version}` },
        })),
      },
    ],
  };
  // JSON is YAML: no YAML library needed for the config.
  await writeFile(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const child = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, 5000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await poll(
      'prometheus ready',
      async () => (await fetch(`${url}/-/ready`)).ok,
      30_000,
      () => (child.exitCode !== null ? `prometheus exited ${child.exitCode}: ${stderr}` : null),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** Whether every service and the launcher are built: the platform runs the compiled code, as `npm start` does. */
export function missingBuild(): string[] {
  const needed = [
    path.join(REPO_ROOT, 'tools/railyard/dist/start.js'),
    path.join(REPO_ROOT, 'tools/railyard/dist/cli.js'),
    ...SERVICES.map((s) => path.join(REPO_ROOT, 'services', s, 'dist/src/main.js')),
  ];
  return needed.filter((file) => !existsSync(file));
}

/** The child pids of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Not Linux, or the process is gone: no figures.
  }
  return found;
}

/** Starts the agent, Prometheus, the fakes, then the launcher with the six services; resolves once all are ready. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const)));
    const urls = Object.fromEntries(SERVICES.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<
      ServiceName,
      string
    >;
    const agent = createDeployAgent({
      requestSecret: AGENT_SECRET,
      callbackSecret: CALLBACK_SECRET,
      callbackRetryMs: [100, 500, 2000],
    });
    const agentUrl = (await agent.listen()).replace(/\/$/, '');
    cleanups.push(() => agent.close());
    const prometheus = options.scrape
      ? await startPrometheus(agentUrl.replace(/^http:\/\//, ''), options.scrape)
      : null;
    if (prometheus) cleanups.push(prometheus.stop);
    const pagerDuty = await recorder();
    cleanups.push(pagerDuty.close);
    const notices = await recorder();
    cleanups.push(notices.close);
    const storage = await mkdtemp(path.join(tmpdir(), 'railyard-e2e-artifacts-'));
    cleanups.push(() => rm(storage, { recursive: true, force: true }));

    const policy = { '*': CANARY };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      SUBJECT_PREFIX: options.subjectPrefix,
      RAILYARD_AUTH_SECRET: options.authSecret,
      LOG_LEVEL: process.env.E2E_SERVICE_LOG_LEVEL ?? 'warn',
      RATE_LIMIT_MAX: '0',
      // Six services share one Postgres (100 connections by default) with whatever else runs on the machine.
      DATABASE_POOL_MAX: '18',
      EVENTSTORE_POOL_MAX: '4',
      SEAL_INTERVAL_MS: '500',
      ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_PORT`, String(ports[s])])),
      ARTIFACT_STORAGE_DIR: storage,
      PIPELINE_STRATEGY_POLICY: JSON.stringify({ critical: policy, standard: policy, low: policy }),
      ORCHESTRATION_AGENT_URL: agentUrl,
      ORCHESTRATION_AGENT_SECRET: AGENT_SECRET,
      ORCHESTRATION_CALLBACK_SECRET: CALLBACK_SECRET,
      ORCHESTRATION_CALLBACK_URL: `${urls.orchestration}/deployments/callbacks`,
      ORCHESTRATION_MINUTE_MS: String(MINUTE_MS),
      ORCHESTRATION_BLUE_GREEN_KEEP_MINUTES: '0',
      ORCHESTRATION_DEPLOYMENT_INTERVAL_MS: '100',
      ORCHESTRATION_SCHEDULER_INTERVAL_MS: '1000',
      ...(prometheus ? { PROMETHEUS_URL: prometheus.url, PROMETHEUS_RATE_WINDOW: '5s' } : {}),
      ANALYSIS_TICK_MS: '200',
      ANALYSIS_COUNT: '10',
      ANALYSIS_INTERVAL_SECONDS: '1',
      // A healthy canary on a busy machine may fail one measurement (a late scrape); a regression fails them all.
      ANALYSIS_FAILURE_LIMIT: '2',
      PAGERDUTY_EVENTS_URL: pagerDuty.url,
      PAGERDUTY_ROUTING_KEY,
      ESCALATE_AFTER_MINUTES: '0',
      ESCALATION_TICK_MS: '500',
      JOURNEY_TICK_MS: '1000',
      MONITORING_PUBLIC_URL: urls.monitoring,
      RAILYARD_ANALYST_PASSWORD: ANALYST_PASSWORD,
      // Governance part 2 (round 2): where governance sends its notices (a rollback's among them).
      GOVERNANCE_NOTIFY_WEBHOOK_URL: `${notices.url}/notices`,
    };
    let recent = '';
    const keep = (text: string) => {
      recent = (recent + text).slice(-20_000);
      options.output?.(text);
    };
    const launcher = spawn(process.execPath, [path.join(REPO_ROOT, 'tools/railyard/dist/start.js')], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (c: Buffer) => keep(c.toString()));
    launcher.stderr?.on('data', (c: Buffer) => keep(c.toString()));
    cleanups.push(() => stopChild(launcher));
    const lastAnswer: Record<string, string> = {};
    await Promise.all(
      SERVICES.map((s) =>
        poll(
          `${s} ready`,
          async () => {
            const res = await fetch(`${urls[s]}/health/ready`);
            lastAnswer[s] = `${res.status} ${await res.text()}`;
            return res.ok;
          },
          90_000,
          () =>
            launcher.exitCode !== null ? `the launcher exited ${launcher.exitCode}:\n${recent.slice(-4000)}` : null,
          () => `last answer: ${lastAnswer[s] ?? 'none'}; output: ${recent.slice(-3000)}`,
        ),
      ),
    );

    const servicePids = (): Partial<Record<ServiceName, number>> => {
      const found: Partial<Record<ServiceName, number>> = {};
      for (const pid of launcher.pid ? childrenOf(launcher.pid) : []) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          const service = SERVICES.find((s) => cmd.includes(`services/${s}/`));
          if (service) found[service] = pid;
        } catch {
          // exited meanwhile
        }
      }
      return found;
    };
    return {
      urls,
      agent,
      agentUrl,
      prometheusUrl: prometheus?.url ?? null,
      pagerDuty: { url: pagerDuty.url, received: pagerDuty.received },
      notices: { url: notices.url, received: notices.received },
      databaseUrl: options.databaseUrl,
      env,
      recentOutput: () => recent,
      rss() {
        const out: Partial<Record<ServiceName, number>> = {};
        for (const [service, pid] of Object.entries(servicePids())) {
          try {
            const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
            if (kb) out[service as ServiceName] = Number(kb) * 1024;
          } catch {
            // exited meanwhile
          }
        }
        return out;
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
