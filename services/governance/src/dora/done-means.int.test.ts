import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { rebuildProjection } from '@railyard/readmodels';
import { canonicalJson } from '@railyard/service-kit';
import { waitFor } from '@railyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingProjection } from '../reporting/reporting-projection.js';
import { at, fixedHistory, idOf } from '../test-support/fixed-history.js';
import { ANALYST_PASSWORD, type GovernanceFixture, startGovernance } from '../test-support/governance-fixture.js';

// Issue 14's done-means test: a fixed history with answers worked out by hand (below, per figure), asked as known
// then (before an incident was linked after the fact) and as known now.
const H = 3600;
const DAY = 86_400;
const ids = (...names: string[]) => names.map(idOf);
const W = (week: number) => at(week, 0, '00:00');
const run = promisify(execFile);
/** psql is the analysts' own client (DESIGN §11); where it is not installed the test says so and fails. */
const psqlMissing = (() => {
  try {
    execFileSync('psql', ['--version']);
    return false;
  } catch {
    return true;
  }
})();

let f: GovernanceFixture;
let then: Date;

async function dora(query: string, roles = ['analyst']) {
  const res = await f.app.inject({ method: 'GET', url: `/dora?${query}`, headers: await f.auth('ana', roles) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  // The whole history is in the store before governance starts: its consumers must catch up from the beginning.
  f = await startGovernance('gov-done', { seed: (append) => append(fixedHistory()) });
  await f.until(
    'the history in reporting',
    `SELECT (SELECT count(*) FROM reporting.deployments)::int AS deployments,
            (SELECT count(*) FROM reporting.incident_links)::int AS links,
            (SELECT count(*) FROM reporting.rollbacks)::int AS rollbacks,
            (SELECT count(*) FROM governance.incident_classifications)::int AS classifications`,
    (r: { deployments: number; links: number; rollbacks: number; classifications: number }) =>
      r.deployments === 22 && r.links === 6 && r.rollbacks === 3 && r.classifications === 4,
  );
  then = new Date();
  await waitFor('the clock to move past "then"', () => Date.now() > then.getTime() + 1);
  // A week (and more) after the fact, someone attributes I1 to L5 as well.
  const res = await f.app.inject({
    method: 'POST',
    url: `/incidents/${idOf('I1')}/links`,
    headers: await f.auth('sre-1', ['sre']),
    payload: { deploymentId: idOf('L5'), role: 'cause', reason: 'the postmortem found L5 carried the same bug' },
  });
  expect(res.statusCode, res.body).toBe(200);
  await f.until(
    'the late link',
    'SELECT count(*)::int AS n FROM reporting.incident_links',
    (r: { n: number }) => r.n === 7,
  );
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe('DORA on the fixed history, weekly, ledger', () => {
  // Lead times (seconds) of the commits first deployed each week:
  // W1 a1 2h, a2 24h (L1), a3 4h (L2: its first successful deployment, though rolled back), a4 3h (L3)
  //    → [7200, 10800, 14400, 86400]: median 12600, p90 14400 + 0.7 × 72000 = 64800
  // W2 a5 24h, a6 1h (L4), a7 24h (L5) → median 86400, p90 86400
  // W3 a8 30 min (L6), a9 24h, a10 1h (L7), a11 6h (L8) → median 12600, p90 21600 + 0.7 × 64800 = 66960
  // W4 a12 24h (L9; a11 was first deployed by L8), a13 1h (L10) → median 45000, p90 3600 + 0.9 × 82800 = 78120
  const leadTimes = [
    { commits: 4, medianSeconds: 12_600, p90Seconds: 64_800 },
    { commits: 3, medianSeconds: 86_400, p90Seconds: 86_400 },
    { commits: 4, medianSeconds: 12_600, p90Seconds: 66_960 },
    { commits: 2, medianSeconds: 45_000, p90Seconds: 78_120 },
  ];
  const deployments = [ids('L1', 'L2', 'L3'), ids('L4', 'L5'), ids('L6', 'L7', 'L8'), ids('L9', 'L10')];

  it('as known then: L2 and L8 rolled back, L4 caused I1 and was fixed by L6 six days and an hour later', async () => {
    const report = await dora(`service=ledger&from=${W(1)}&to=${W(5)}&interval=weekly&asOf=${then.toISOString()}`);
    expect(report.periods.map((p: { from: string }) => p.from)).toEqual([W(1), W(2), W(3), W(4)]);
    const figures = report.periods.map((p: { figures: unknown }) => p.figures);
    figures.forEach((fig: Record<string, Record<string, unknown>>, i: number) => {
      expect(fig.deploymentFrequency).toEqual({
        deployments: deployments[i]!.length,
        perDay: Math.round((deployments[i]!.length / 7) * 1e6) / 1e6,
        deploymentIds: deployments[i],
      });
      expect(fig.leadTime).toMatchObject(leadTimes[i]!);
    });
    expect(figures.map((fig: { changeFailureRate: unknown }) => fig.changeFailureRate)).toEqual([
      {
        numerator: 1,
        denominator: 3,
        rate: 0.333333,
        deploymentIds: ids('L2'),
        denominatorDeploymentIds: deployments[0],
      },
      { numerator: 1, denominator: 2, rate: 0.5, deploymentIds: ids('L4'), denominatorDeploymentIds: deployments[1] },
      {
        numerator: 1,
        denominator: 3,
        rate: 0.333333,
        deploymentIds: ids('L8'),
        denominatorDeploymentIds: deployments[2],
      },
      { numerator: 0, denominator: 2, rate: 0, deploymentIds: [], denominatorDeploymentIds: deployments[3] },
    ]);
    expect(figures.map((fig: { recoveryTime: { medianSeconds: number } }) => fig.recoveryTime.medianSeconds)).toEqual([
      30 * 60,
      6 * DAY + H,
      45 * 60,
      null,
    ]);
    expect(figures.map((fig: { reworkRate: unknown }) => fig.reworkRate)).toEqual([
      { numerator: 0, denominator: 3, rate: 0, deploymentIds: [] },
      { numerator: 0, denominator: 2, rate: 0, deploymentIds: [] },
      { numerator: 1, denominator: 3, rate: 0.333333, deploymentIds: ids('L6') },
      { numerator: 0, denominator: 2, rate: 0, deploymentIds: [] },
    ]);
    // W2's failure was recovered only in W3 (L6): its recovery figure changed after W2 closed. Nothing else did.
    expect(report.periods.map((p: { restatedFigures: string[] }) => p.restatedFigures)).toEqual([
      [],
      ['recoveryTime'],
      [],
      [],
    ]);
  });

  it('as known now: L5 failed too (the late link), counted once, recovered by the same fix 3 days 23 hours later', async () => {
    const report = await dora(`service=ledger&from=${W(1)}&to=${W(5)}&interval=weekly`);
    const w2 = report.periods[1];
    expect(w2.figures.changeFailureRate).toEqual({
      numerator: 2,
      denominator: 2,
      rate: 1,
      deploymentIds: ids('L4', 'L5'),
      denominatorDeploymentIds: ids('L4', 'L5'),
    });
    expect(w2.figures.recoveryTime).toEqual({
      failedDeployments: 2,
      recovered: 2,
      medianSeconds: (6 * DAY + H + 3 * DAY + 23 * H) / 2,
      deploymentIds: ids('L4', 'L5'),
      unrecoveredDeploymentIds: [],
    });
    expect(w2.restated).toBe(true);
    expect(w2.restatedFigures).toEqual(['changeFailureRate', 'recoveryTime']);
    // Other weeks are as they were then.
    expect(report.periods.map((p: { restated: boolean }) => p.restated)).toEqual([false, true, false, false]);
    expect(report.periods[2].figures.changeFailureRate.deploymentIds).toEqual(ids('L8'));
  });
});

describe('DORA on the fixed history, all four weeks', () => {
  // ledger: 13 commits → sorted [1800, 3600 ×3, 7200, 10800, 14400, 21600, 86400 ×5]: median 14400, p90 86400.
  // Then: failed L2, L4, L8 (3/10), recoveries [1800, 522000, 2700] → 2700. Now: + L5 (4/10), recoveries
  // [1800, 2700, 342000, 522000] → 172350. Rework: L6 (1/10). 10 deployments over 28 days = 0.357143 a day.
  it('ledger as known then and now, with 2024 tiers', async () => {
    const query = `service=ledger&from=${W(1)}&to=${W(5)}&interval=all`;
    const [before] = (await dora(`${query}&asOf=${then.toISOString()}`)).periods;
    const [now] = (await dora(query)).periods;
    expect(before.figures.deploymentFrequency).toMatchObject({ deployments: 10, perDay: 0.357143 });
    expect(before.figures.leadTime).toMatchObject({ commits: 13, medianSeconds: 14_400, p90Seconds: 86_400 });
    expect(before.figures.changeFailureRate).toMatchObject({ numerator: 3, denominator: 10, rate: 0.3 });
    expect(before.figures.changeFailureRate.deploymentIds).toEqual(ids('L2', 'L4', 'L8'));
    expect(before.figures.recoveryTime.medianSeconds).toBe(2700);
    expect(before.figures.reworkRate).toEqual({ numerator: 1, denominator: 10, rate: 0.1, deploymentIds: ids('L6') });
    expect(before.restated).toBe(false);
    expect(before.tiers).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailureRate: 'low',
      recoveryTime: 'elite',
    });

    expect(now.figures.leadTime).toEqual(before.figures.leadTime);
    expect(now.figures.changeFailureRate).toMatchObject({ numerator: 4, denominator: 10, rate: 0.4 });
    expect(now.figures.changeFailureRate.deploymentIds).toEqual(ids('L2', 'L4', 'L5', 'L8'));
    expect(now.figures.recoveryTime.medianSeconds).toBe(172_350);
    expect(now.restatedFigures).toEqual(['changeFailureRate', 'recoveryTime']);
    expect(now.tiers).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailureRate: 'low',
      recoveryTime: 'low',
    });
    // The 2023 table rates the same figures differently: recovery under a week is medium there.
    const [as2023] = (await dora(`${query}&thresholds=2023`)).periods;
    expect(as2023.tiers.recoveryTime).toBe('medium');
  });

  // payments: 10 commits → sorted [3600, 3600, 7200, 14400, 43200, 86400 ×4, 259200]: median 64800,
  // p90 86400 + 0.1 × 172800 = 103680. Failed: P3 (I2 and I3, counted once) and P5 (rolled back): 2/10; P7's incident
  // is non_change and F1 never went live. Recoveries [86400 (fix P4), 7200] → 46800. Rework: P4.
  it('payments: two incidents on one deployment count it once; a non_change incident counts nothing', async () => {
    const [all] = (await dora(`service=payments&from=${W(1)}&to=${W(5)}&interval=all`)).periods;
    expect(all.figures.deploymentFrequency.deployments).toBe(10);
    expect(all.figures.deploymentFrequency.deploymentIds).not.toContain(idOf('F1'));
    expect(all.figures.leadTime).toMatchObject({ commits: 10, medianSeconds: 64_800, p90Seconds: 103_680 });
    expect(all.figures.changeFailureRate).toMatchObject({ numerator: 2, denominator: 10, rate: 0.2 });
    expect(all.figures.changeFailureRate.deploymentIds).toEqual(ids('P3', 'P5'));
    expect(all.figures.recoveryTime).toMatchObject({ medianSeconds: 46_800, recovered: 2 });
    expect(all.figures.reworkRate).toMatchObject({ numerator: 1, deploymentIds: ids('P4') });
    expect(all.tiers).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailureRate: 'high',
      recoveryTime: 'high',
    });
    expect(all.restated).toBe(false);

    const weekly = (await dora(`service=payments&from=${W(1)}&to=${W(5)}&interval=weekly`)).periods;
    expect(weekly.map((p: { figures: { leadTime: unknown } }) => p.figures.leadTime)).toEqual([
      { commits: 2, medianSeconds: 46_800, p90Seconds: 78_480, deploymentIds: ids('P1', 'P2').sort() },
      { commits: 3, medianSeconds: 86_400, p90Seconds: 224_640, deploymentIds: ids('P3', 'P4', 'P5').sort() },
      { commits: 2, medianSeconds: 28_800, p90Seconds: 40_320, deploymentIds: ids('P6', 'P7').sort() },
      { commits: 3, medianSeconds: 86_400, p90Seconds: 86_400, deploymentIds: ids('P8', 'P9', 'P10').sort() },
    ]);
  });

  it('a team is the sum of its services; every service together counts 20 deployments', async () => {
    for (const [service, team] of [
      ['ledger', 'core'],
      ['payments', 'money'],
    ]) {
      const res = await f.app.inject({
        method: 'PUT',
        url: `/services/${service}/team`,
        headers: await f.auth('rm', ['release-manager']),
        payload: { team },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    await f.until(
      'the teams',
      'SELECT count(*)::int AS n FROM governance.service_teams',
      (r: { n: number }) => r.n === 2,
    );
    const [core] = (await dora(`team=core&from=${W(1)}&to=${W(5)}&interval=all`)).periods;
    const [ledger] = (await dora(`service=ledger&from=${W(1)}&to=${W(5)}&interval=all`)).periods;
    expect(core.figures).toEqual(ledger.figures);
    const [everything] = (await dora(`from=${W(1)}&to=${W(5)}&interval=all`)).periods;
    expect(everything.figures.deploymentFrequency.deployments).toBe(20);
    expect(everything.figures.changeFailureRate).toMatchObject({ numerator: 6, denominator: 20, rate: 0.3 });
  });
});

describe('why a deployment counts', () => {
  it('L5: failed now through I1, not then; P3 once with two incidents; P7 not, with the non_change incident named', async () => {
    const headers = await f.auth('ana', ['analyst']);
    const get = async (name: string, asOf?: string) => {
      const res = await f.app.inject({
        method: 'GET',
        url: `/dora/deployments/${idOf(name)}${asOf ? `?asOf=${asOf}` : ''}`,
        headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const l5Then = await get('L5', then.toISOString());
    expect(l5Then).toMatchObject({ failed: false, reasons: [], recovery: null });
    const l5 = await get('L5');
    expect(l5).toMatchObject({
      failed: true,
      reasons: [{ kind: 'change-induced-incident', incidentId: idOf('I1'), linkedBy: 'sre-1' }],
      recovery: { by: 'fix', deploymentId: idOf('L6'), seconds: 3 * DAY + 23 * H },
    });
    const p3 = await get('P3');
    expect(p3.failed).toBe(true);
    expect(p3.reasons.map((r: { incidentId: string }) => r.incidentId).sort()).toEqual(ids('I2', 'I3').sort());
    expect(await get('P7')).toMatchObject({
      failed: false,
      notCounted: [{ incidentId: idOf('I4'), causeClass: 'non_change' }],
    });
    expect(await get('L2')).toMatchObject({
      failed: true,
      reasons: [{ kind: 'rolled-back' }],
      recovery: { by: 'rollback', seconds: 1800 },
    });
    const f1 = await f.app.inject({ method: 'GET', url: `/dora/deployments/${idOf('F1')}`, headers });
    expect(f1.statusCode).toBe(404);
    expect(f1.json().code).toBe('GOVERNANCE_DEPLOYMENT_UNKNOWN');
  });
});

describe('the reporting schema', () => {
  it('reporting.dora_weekly says what GET /dora says, as known now', async () => {
    const { rows } = await f.pool.query(
      `SELECT period_start, deployments, change_failure_rate::float8 AS cfr, failed_deployment_ids::text[] AS failed,
              lead_time_median_seconds, lead_time_p90_seconds, recovery_median_seconds, rework_rate::float8 AS rework,
              cardinality(source_event_ids) AS sources
       FROM reporting.dora_weekly WHERE service = 'ledger' ORDER BY period_start`,
    );
    const api = (await dora(`service=ledger&from=${W(1)}&to=${W(5)}&interval=weekly`)).periods;
    expect(rows).toHaveLength(4);
    rows.forEach((row, i) => {
      const p = api[i].figures;
      expect(row.period_start.toISOString()).toBe(api[i].from);
      expect(row.deployments).toBe(p.deploymentFrequency.deployments);
      expect(row.cfr).toBeCloseTo(p.changeFailureRate.rate, 6);
      expect(row.failed).toEqual(p.changeFailureRate.deploymentIds);
      expect(row.lead_time_median_seconds).toBeCloseTo(p.leadTime.medianSeconds, 3);
      expect(row.lead_time_p90_seconds).toBeCloseTo(p.leadTime.p90Seconds, 3);
      if (p.recoveryTime.medianSeconds === null) expect(row.recovery_median_seconds).toBeNull();
      else expect(row.recovery_median_seconds).toBeCloseTo(p.recoveryTime.medianSeconds, 3);
      expect(row.rework).toBeCloseTo(p.reworkRate.rate, 6);
      // One source event per deployment that succeeded, one more per rollback.
      expect(row.sources).toBe(p.deploymentFrequency.deployments + (i === 0 || i === 2 ? 1 : 0));
    });
  });

  it('railyard_analyst reads reporting.dora_weekly and is refused every other schema and every write', async () => {
    const url = new URL(f.database.url);
    url.username = 'railyard_analyst';
    url.password = ANALYST_PASSWORD;
    const analyst = new pg.Client({ connectionString: url.toString() });
    await analyst.connect();
    try {
      const weekly = await analyst.query(
        "SELECT count(*)::int AS n FROM reporting.dora_weekly WHERE service = 'ledger'",
      );
      expect(weekly.rows[0].n).toBe(4);
      expect((await analyst.query('SHOW default_transaction_read_only')).rows[0].default_transaction_read_only).toBe(
        'on',
      );

      const schemas = await f.pool.query<{ nspname: string; usage: boolean; create: boolean }>(
        `SELECT nspname, has_schema_privilege('railyard_analyst', nspname, 'USAGE') AS usage,
                has_schema_privilege('railyard_analyst', nspname, 'CREATE') AS create
         FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
      );
      expect(schemas.rows.map((s) => s.nspname)).toEqual(expect.arrayContaining(['governance', 'public', 'reporting']));
      for (const s of schemas.rows) {
        expect({ schema: s.nspname, usage: s.usage, create: s.create }).toEqual({
          schema: s.nspname,
          usage: s.nspname === 'reporting',
          create: false,
        });
      }
      const tables = await f.pool.query<{ name: string; sel: boolean; ins: boolean; upd: boolean; del: boolean }>(
        `SELECT c.oid::regclass::text AS name,
                has_table_privilege('railyard_analyst', c.oid, 'SELECT') AS sel,
                has_table_privilege('railyard_analyst', c.oid, 'INSERT') AS ins,
                has_table_privilege('railyard_analyst', c.oid, 'UPDATE') AS upd,
                has_table_privilege('railyard_analyst', c.oid, 'DELETE') AS del
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`,
      );
      for (const t of tables.rows) {
        const inReporting = t.name.startsWith('reporting.');
        expect({ table: t.name, select: t.sel, write: t.ins || t.upd || t.del }).toEqual({
          table: t.name,
          select: inReporting,
          write: false,
        });
      }
      // 8 tables and 5 views of governance (orchestration adds its two views where it shares the database).
      expect(tables.rows.filter((t) => t.sel).length).toBe(13);

      // Refused: other schemas, writes in reporting (even with read-only switched off), DDL anywhere.
      const refused = async (text: string) => {
        const error = await analyst.query(text).then(
          () => undefined,
          (e: { code?: string }) => e,
        );
        expect(error, text).toBeDefined();
        expect(['42501', '25006'], `${text}: ${error?.code}`).toContain(error?.code);
      };
      await refused('SELECT * FROM governance.service_teams');
      await refused('SELECT * FROM eventstore.events LIMIT 1');
      await refused('SELECT * FROM messaging.inbox LIMIT 1');
      await refused("DELETE FROM reporting.incidents WHERE title = 'x'");
      await refused('CREATE TABLE public.mine (x int)');
      await refused('CREATE TABLE reporting.mine (x int)');
      await analyst.query('SET default_transaction_read_only = off');
      await refused("UPDATE reporting.deployments SET status = 'x'");
      await refused('INSERT INTO reporting.incident_links SELECT * FROM reporting.incident_links LIMIT 1');
      await refused('CREATE TABLE public.mine (x int)');

      // A table created in reporting later (by the role that runs the migrations) is readable at once.
      await f.pool.query('CREATE TABLE reporting.added_later (x int)');
      expect((await analyst.query('SELECT count(*)::int AS n FROM reporting.added_later')).rows[0].n).toBe(0);
      await f.pool.query('DROP TABLE reporting.added_later');
    } finally {
      await analyst.end();
    }
  });

  it('psql as railyard_analyst reads reporting.dora_weekly and cannot read or write elsewhere', async () => {
    if (psqlMissing)
      throw new Error('psql is not installed: install postgresql-client (.ci/run does) to run this test');
    const url = new URL(f.database.url);
    url.username = 'railyard_analyst';
    url.password = ANALYST_PASSWORD;
    const psql = (sql: string) => run('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-tAc', sql]);
    const { stdout } = await psql('SELECT count(*) FROM reporting.dora_weekly');
    expect(stdout.trim()).toBe('8');
    for (const sql of ['SELECT * FROM governance.service_teams', "UPDATE reporting.incidents SET title = 'x'"]) {
      const failure = await psql(sql).then(
        () => undefined,
        (e: { stderr: string }) => e.stderr,
      );
      expect(failure, sql).toMatch(/permission denied|read-only transaction/);
    }
  });

  it('railyard rebuild gives identical rows', async () => {
    const tables = [
      'reporting.deployments',
      'reporting.changes',
      'reporting.rollbacks',
      'reporting.releases',
      'reporting.approvals',
      'reporting.freeze_exceptions',
      'reporting.incidents',
      'reporting.incident_links',
      'governance.incident_classifications',
      'governance.service_teams',
      'reporting.dora_weekly',
    ];
    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const t of tables) out[t] = canonicalJson((await f.pool.query(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)).rows);
      return out;
    };
    const live = await snapshot();
    expect(JSON.parse(live['reporting.deployments']!)).toHaveLength(22);
    await f.runtime.reporting.stop();
    const result = await rebuildProjection({ ...reportingProjection, store: f.store, db: f.runtime.db });
    expect(result.events).toBeGreaterThan(50);
    expect(await snapshot()).toEqual(live);
  });
});
