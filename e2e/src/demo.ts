import { randomBytes } from 'node:crypto';
import { waitFor } from '@railyard/testing/wait-for';
import { Client } from './client.js';
import { ANALYST_PASSWORD, missingBuild, type Platform, startPlatform } from './platform.js';
import {
  createTrain,
  deployBaseline,
  expectRollbackNotice,
  grantPrivileges,
  namesOf,
  prepareEstate,
  type Reporter,
  reportDora,
  retrospectiveBecomesPolicy,
  type StoryContext,
  scrapeTargets,
  shipFirstRelease,
  shipSecondRelease,
  short,
} from './story.js';

/**
 * `npm run demo`: the end-to-end test's story (e2e/src/story.ts) told to a person. It starts the platform as
 * `npm start` does (the launcher and its six services), beside the reference deploy agent, a Prometheus and a fake
 * PagerDuty, with a demo pace (a canary "minute" is a second), in a database of its own that it leaves behind for
 * exploration. Every run names what it creates under a run id of its own, so it can run any number of times.
 */
const DEMO_DATABASE = 'railyard_demo';
const DEMO_PREFIX = 'railyard_demo';
const SECRET = 'railyard-development-secret-change-me-0000';

const tty = process.stdout.isTTY;
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const reporter: Reporter = {
  step(service, text) {
    process.stdout.write(`${tty ? '\r\x1b[K' : ''}${clock()}  ${`[${service}]`.padEnd(15)} ${text}\n`);
  },
  async wait(label, probe, timeoutMs = 120_000) {
    const t0 = Date.now();
    let frame = 0;
    const show = () => {
      if (tty) {
        process.stdout.write(
          `\r\x1b[K${clock()}  ${SPINNER[frame++ % SPINNER.length]} waiting for ${label} (${Math.round((Date.now() - t0) / 1000)} s)`,
        );
      }
    };
    if (!tty) process.stdout.write(`${clock()}  … waiting for ${label}\n`);
    // A probe answers undefined until it holds; the value it then gives may be any (boxed: waitFor wants truthy).
    const found = await waitFor(
      label,
      async () => {
        const value = await probe();
        return value === undefined ? undefined : { value };
      },
      { timeoutMs, intervalMs: 250, onAttempt: show },
    );
    if (tty) process.stdout.write('\r\x1b[K');
    return found.value;
  },
};

async function main(): Promise<number> {
  const missing = missingBuild();
  if (missing.length > 0) {
    process.stderr.write(`demo: the services are not built (${missing.join(', ')}); run \`npm run build\` first\n`);
    return 1;
  }
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/railyard');
  base.pathname = `/${DEMO_DATABASE}`;
  const databaseUrl = base.toString();
  const ns = `d${Date.now().toString(36).slice(-5)}${randomBytes(1).toString('hex')}`;
  process.stdout.write(
    `Railyard demo ${ns}: a release's whole life across the six services.\n` +
      `Starting the platform as npm start does (demo pace: a canary minute lasts a second), in database ${DEMO_DATABASE}…\n`,
  );
  let platform: Platform;
  try {
    platform = await startPlatform({
      databaseUrl,
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      subjectPrefix: DEMO_PREFIX,
      authSecret: SECRET,
      scrape: scrapeTargets(ns),
    });
  } catch (error) {
    process.stderr.write(`demo: the platform did not start: ${(error as Error).message}\n`);
    return 1;
  }
  reporter.step(
    'launcher',
    `six services up: ${Object.entries(platform.urls)
      .map(([s, u]) => `${s} ${u.replace('http://127.0.0.1:', ':')}`)
      .join(', ')}`,
  );
  const ctx: StoryContext = {
    client: new Client(platform.urls, SECRET),
    ns,
    agentUrl: platform.agentUrl,
    pagerDuty: platform.pagerDuty,
    report: reporter,
  };
  const n = namesOf(ns);
  try {
    await prepareEstate(ctx);
    await grantPrivileges(ctx);
    const baseline = await deployBaseline(ctx);
    const planning = await createTrain(ctx);
    const first = await shipFirstRelease(ctx, planning);
    await expectRollbackNotice(ctx, platform.notices, first.rolledBack.deploymentId);
    await retrospectiveBecomesPolicy(ctx, first.rolledBack.deploymentId);
    const second = await shipSecondRelease(ctx, planning);
    await reportDora(ctx, { service: n.web, reached: 3 });
    const rss = platform.rss();
    reporter.step(
      'launcher',
      `resident memory: ${Object.entries(rss)
        .map(([s, b]) => `${s} ${Math.round(b / 1048576)} MiB`)
        .join(', ')}`,
    );
    const analyst = new URL(databaseUrl);
    analyst.username = 'railyard_analyst';
    analyst.password = ANALYST_PASSWORD;
    const env = `DATABASE_URL=${databaseUrl}`;
    process.stdout.write(
      `\nDone in ${Math.round((Date.now() - started) / 1000)} s. Explore what it made (it stays in ${DEMO_DATABASE}):\n\n` +
        `  # every event of the first release, from all six services, with its hash-chain verification\n` +
        `  ${env} npm run railyard -- export --correlation ${first.release.correlation}\n\n` +
        `  # the rolled-back web deployment as orchestration saw it before monitoring's rollback\n` +
        `  ${env} npm run railyard -- state deployment-${first.rolledBack.deploymentId} --at revision:3\n\n` +
        `  # the audit chain of the whole log\n` +
        `  ${env} npm run railyard -- audit verify\n\n` +
        `  # DORA as an analyst sees it (read-only role railyard_analyst)\n` +
        `  psql "${analyst}" -c "SELECT service, succeeded, failed, rolled_back FROM reporting.dora_deployments WHERE service LIKE '${ns}-%' ORDER BY counted_at"\n\n` +
        `  # the APIs, while this demo's platform runs\n` +
        Object.entries(platform.urls)
          .map(([s, u]) => `  ${u}/docs   (${s})`)
          .join('\n') +
        `\n\n  web: baseline ${short(baseline[2]!.deploymentId)}, rolled back ${short(first.rolledBack.deploymentId)}, ` +
        `fixed ${short(second.runs[n.web]!.deploymentId)}; incident ${short(first.incidentId)}\n\n` +
        `The platform stays up for exploring; Ctrl-C stops it.\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await platform.stop();
    return 0;
  } catch (error) {
    process.stdout.write('\n');
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await platform.stop();
    return 1;
  }
}

process.exitCode = await main();
