import { type DoraFacts, doraReport } from '@railyard/governance/dora-report';
import { absoluteFigure, type Figure } from './report.js';

const DAY = 86_400_000;

/**
 * Two years of history: 20 services deploying to production about twice a working day each (~10,000 deployments,
 * ~25,000 commits), 2% rolled back, ~500 incidents linked to 1–2 deployments each, a remedy for half of them. Seeded
 * arithmetic, so every run computes the same facts.
 */
function history(): DoraFacts {
  const start = Date.UTC(2024, 0, 1);
  const facts: DoraFacts = { deployments: [], changes: [], links: [], classifications: [] };
  let n = 0;
  for (let s = 0; s < 20; s++) {
    for (let day = 0; day < 730; day++) {
      if (day % 7 >= 5) continue;
      for (let k = 0; k < 2; k++) {
        n++;
        const id = `d${n}`;
        const at = new Date(start + day * DAY + (9 + k * 5) * 3_600_000);
        const rolledBack = n % 50 === 0 ? new Date(at.getTime() + 1_800_000) : null;
        facts.deployments.push({
          deploymentId: id,
          service: `s${s}`,
          deployedAt: at,
          rolledBackAt: rolledBack,
          succeededRecordedAt: at,
          rolledBackRecordedAt: rolledBack,
          succeededEventId: `e${n}`,
          rolledBackEventId: rolledBack ? `r${n}` : null,
        });
        for (let c = 0; c < 1 + (n % 3); c++) {
          facts.changes.push({
            deploymentId: id,
            sha: `${n}-${c}`,
            committedAt: new Date(at.getTime() - (1 + ((n * 7 + c * 13) % 72)) * 3_600_000),
            recordedAt: at,
          });
        }
        if (n % 21 === 0) {
          const incidentId = `i${n}`;
          const linkedAt = new Date(at.getTime() + 3_600_000);
          facts.classifications.push({
            incidentId,
            causeClass: n % 4 === 0 ? 'non_change' : 'change_induced',
            cause: 'code',
            classifiedAt: linkedAt,
            eventId: `c${n}`,
            recordedAt: linkedAt,
          });
          const link = { incidentId, reason: 'r', linkedBy: 'x', linkedAt, recordedAt: linkedAt };
          facts.links.push({ ...link, deploymentId: id, role: 'cause', eventId: `l${n}` });
          if (n % 2 === 0) facts.links.push({ ...link, deploymentId: `d${n - 1}`, role: 'cause', eventId: `m${n}` });
          if (n % 3 === 0)
            facts.links.push({ ...link, deploymentId: `d${n + 1}`, role: 'remediation', eventId: `f${n}` });
        }
      }
    }
  }
  return facts;
}

/** (k) GET /dora's computation (no database): weekly over two years and daily over the last year, every service. */
export function measureDoraReport(options: { runs: number }): Figure[] {
  const facts = history();
  const asOf = new Date(Date.UTC(2026, 0, 1));
  const median = (run: () => void) => {
    run();
    const times: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  };
  const weekly = median(() =>
    doraReport(facts, { from: new Date(Date.UTC(2024, 0, 1)), to: asOf, interval: 'weekly', asOf, thresholds: '2024' }),
  );
  const daily = median(() =>
    doraReport(facts, { from: new Date(Date.UTC(2025, 0, 1)), to: asOf, interval: 'daily', asOf, thresholds: '2024' }),
  );
  const label = `${facts.deployments.length.toLocaleString('en-US')} deployments`;
  return [
    absoluteFigure(`(k) DORA report, weekly × 2 years, ${label} (median)`, weekly, 'ms', null, false),
    absoluteFigure(`(k) DORA report, daily × 1 year, ${label} (median)`, daily, 'ms', null, false),
  ];
}
