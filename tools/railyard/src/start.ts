import { fileURLToPath } from 'node:url';
import { isEntryPoint } from './entry-point.js';
import { discoverServices, processesOf, workerPlacementOf } from './launcher/discover-services.js';
import { ensureDatabase } from './launcher/ensure-database.js';
import { launchEnv } from './launcher/launch-env.js';
import { superviseServices } from './launcher/supervisor.js';
import { databaseUrlOf } from './store.js';

/** The repository root: this file is tools/railyard/{src,dist}/start.(ts|js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const log = (line: string) => process.stderr.write(`[railyard] ${line}\n`);

/**
 * `npm start`: makes sure the database exists, then runs every built service as a child process with
 * prefixed output until SIGINT/SIGTERM (exit 0) or until one of them dies (exit 1).
 */
export async function start(): Promise<number> {
  let prepared: ReturnType<typeof launchEnv>;
  let workers: ReturnType<typeof workerPlacementOf>;
  try {
    prepared = launchEnv(process.env);
    workers = workerPlacementOf(prepared.env);
  } catch (error) {
    log((error as Error).message);
    return 1;
  }
  for (const warning of prepared.warnings) log(`WARNING: ${warning}`);

  const services = discoverServices(REPO_ROOT);
  if (services.length === 0) {
    log('no built service found (services/*/dist/main.js); run `npm run build` first');
    return 1;
  }
  const databaseUrl = databaseUrlOf(prepared.env);
  try {
    // Each service runs its own migrations at start, but none of them can create the database it connects to.
    if (await ensureDatabase(databaseUrl)) log(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  } catch (error) {
    log(`cannot reach or create the database of DATABASE_URL: ${(error as Error).message}`);
    return 1;
  }

  const processes = processesOf(services, workers.placement, workers.nice);
  log(
    `starting ${processes.map((s) => s.name).join(', ')}` +
      (workers.placement === 'separate' ? ` (workers at nice ${workers.nice})` : ''),
  );
  const supervisor = superviseServices(processes, {
    env: prepared.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    log,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the services`);
    supervisor.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await supervisor.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  log(code === 0 ? 'all services stopped' : 'stopped after a service failure');
  return code;
}

if (isEntryPoint(import.meta.url)) process.exitCode = await start();
