import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A nats-server (with JetStream) of one test's own, which the test may kill and bring back on the same port. */
export interface OwnNatsServer {
  url: string;
  port: number;
  /** SIGKILL: no goodbye to clients, as a crashed or partitioned server. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and storage (JetStream streams survive). Resolves when it accepts clients. */
  start(): Promise<void>;
  /** Kills it and deletes its storage. */
  dispose(): Promise<void>;
}

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts `nats-server -js` on a free loopback port with a fresh storage directory. Outage tests use this one and
 * never the shared server. The binary is Debian's (override with NATS_SERVER_BIN).
 */
export async function startOwnNatsServer(): Promise<OwnNatsServer> {
  const storeDir = await mkdtemp(path.join(tmpdir(), 'railyard-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: 'ignore',
    });
    child = proc;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`nats-server exited with ${code} while starting`))),
    );
    exited.catch(() => {});
    const deadline = Date.now() + 10_000;
    while (!(await Promise.race([accepting(port), exited]))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not accept connections on ${port} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await gone;
  }

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async dispose() {
      await kill();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
