import { createHash } from 'node:crypto';
import { deploymentStream, incidentStream } from '@railyard/contracts';
import { v5 as uuidv5 } from 'uuid';
import type { HistoryEvent } from './governance-fixture.js';

/**
 * The done-means history of G1 (issue 14): 4 ISO weeks from Monday 2026-10-05, two services (ledger, payments) with
 * 10 production deployments each, commits at known times, 3 rollbacks (L2, P5, L8), 4 incidents (I1 caused by L4
 * and, linked a week after the fact by the test, L5; I2 and I3 both caused by P3; I4 non_change on P7), two fixes
 * linked as remediations (L6 for I1, P4 for I2). Plus a staging deployment and a production deployment that failed
 * before going live, which no figure may count. The expected figures are worked out by hand in done-means.int.test.ts.
 */

const NS = '9d7f4c1e-52a8-4b0e-8c4f-3a6b1d2e9f70';
/** A stable uuid per name (L1, P3, I1, …), so the expectations can name deployments. */
export const idOf = (name: string) => uuidv5(name, NS);
const sha = (name: string) => createHash('sha1').update(name).digest('hex');

const MONDAY_W1 = Date.UTC(2026, 9, 5);
/** Week 1..5, day 0 = Monday (-1 = the Sunday before), 'HH:MM' UTC. */
export function at(week: number, day: number, time: string): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return new Date(MONDAY_W1 + ((week - 1) * 7 + day) * 86_400_000 + (h * 60 + m) * 60_000).toISOString();
}

interface Deployment {
  name: string;
  service: 'ledger' | 'payments';
  at: string;
  commits: [string, string][];
  rolledBackAt?: string;
  tier?: 'prod' | 'staging';
  failsBeforeLive?: boolean;
}

const L = (n: number, a: string, commits: [string, string][], rolledBackAt?: string): Deployment => ({
  name: `L${n}`,
  service: 'ledger',
  at: a,
  commits,
  rolledBackAt,
});
const P = (n: number, a: string, commits: [string, string][], rolledBackAt?: string): Deployment => ({
  name: `P${n}`,
  service: 'payments',
  at: a,
  commits,
  rolledBackAt,
});

export const DEPLOYMENTS: Deployment[] = [
  { name: 'S1', service: 'ledger', at: at(1, 0, '07:00'), commits: [['a1', at(1, 0, '08:00')]], tier: 'staging' },
  L(1, at(1, 0, '10:00'), [
    ['a1', at(1, 0, '08:00')],
    ['a2', at(1, -1, '10:00')],
  ]),
  L(2, at(1, 2, '10:00'), [['a3', at(1, 2, '06:00')]], at(1, 2, '10:30')),
  L(3, at(1, 4, '15:00'), [
    ['a3', at(1, 2, '06:00')],
    ['a4', at(1, 4, '12:00')],
  ]),
  L(4, at(2, 1, '09:00'), [
    ['a5', at(2, 0, '09:00')],
    ['a6', at(2, 1, '08:00')],
  ]),
  L(5, at(2, 3, '11:00'), [['a7', at(2, 2, '11:00')]]),
  L(6, at(3, 0, '10:00'), [['a8', at(3, 0, '09:30')]]),
  L(7, at(3, 2, '14:00'), [
    ['a9', at(3, 1, '14:00')],
    ['a10', at(3, 2, '13:00')],
  ]),
  L(8, at(3, 4, '16:00'), [['a11', at(3, 4, '10:00')]], at(3, 4, '16:45')),
  L(9, at(4, 1, '10:00'), [
    ['a11', at(3, 4, '10:00')],
    ['a12', at(4, 0, '10:00')],
  ]),
  L(10, at(4, 3, '10:00'), [['a13', at(4, 3, '09:00')]]),
  P(1, at(1, 1, '10:00'), [['b1', at(1, 0, '10:00')]]),
  P(2, at(1, 3, '10:00'), [['b2', at(1, 3, '08:00')]]),
  P(3, at(2, 0, '12:00'), [['b3', at(1, 4, '12:00')]]),
  P(4, at(2, 1, '12:00'), [['b4', at(2, 1, '11:00')]]),
  P(5, at(2, 3, '12:00'), [['b5', at(2, 2, '12:00')]], at(2, 3, '14:00')),
  P(6, at(3, 1, '10:00'), [
    ['b5', at(2, 2, '12:00')],
    ['b6', at(3, 1, '06:00')],
  ]),
  {
    name: 'F1',
    service: 'payments',
    at: at(3, 3, '08:00'),
    commits: [['b7', at(3, 2, '22:00')]],
    failsBeforeLive: true,
  },
  P(7, at(3, 3, '10:00'), [['b7', at(3, 2, '22:00')]]),
  P(8, at(4, 0, '10:00'), [['b8', at(4, -1, '10:00')]]),
  P(9, at(4, 2, '10:00'), [['b9', at(4, 2, '09:00')]]),
  P(10, at(4, 4, '10:00'), [['b10', at(4, 3, '10:00')]]),
];

function deploymentHistory(d: Deployment): HistoryEvent[] {
  const stream = deploymentStream(idOf(d.name));
  const subject = {
    deploymentId: idOf(d.name),
    runId: idOf(`run-${d.name}`),
    stage: 2,
    releaseId: null,
    planId: null,
    service: d.service,
    environment: `${d.service}-${d.tier ?? 'prod'}`,
    environmentTier: d.tier ?? 'prod',
    artifact: {
      name: d.service,
      version: `1.0.${d.name.slice(1)}-${d.name.toLowerCase()}`,
      sha256: sha(d.name) + sha(d.name).slice(0, 24),
    },
  };
  const commits = d.commits.map(([name, committedAt]) => ({ sha: sha(name), committedAt }));
  const requestedAt = new Date(new Date(d.at).getTime() - 10 * 60_000).toISOString();
  const events: HistoryEvent[] = [
    {
      stream,
      type: 'DeploymentScheduled',
      at: requestedAt,
      data: { ...subject, strategy: { type: 'blue-green' }, rollbackTarget: null, commits, requestedAt, reason: 'run' },
    },
  ];
  if (d.failsBeforeLive) {
    events.push({
      stream,
      type: 'DeploymentFailed',
      at: d.at,
      data: { ...subject, failedStep: 0, reason: 'agent down' },
    });
    return events;
  }
  events.push({
    stream,
    type: 'DeploymentSucceeded',
    at: d.at,
    data: { ...subject, commits, startedAt: requestedAt, reason: 'live' },
  });
  if (d.rolledBackAt) {
    events.push({
      stream,
      type: 'DeploymentRolledBack',
      at: d.rolledBackAt,
      data: {
        ...subject,
        to: null,
        trigger: { kind: 'monitoring', triggerId: null, by: 'monitoring' },
        reason: 'error rate',
      },
    });
  }
  return events;
}

function incidentHistory(
  name: string,
  service: string,
  opened: string,
  cause: { causeClass: string; cause: string | null; missingSafeguard: string | null; at: string },
  links: { deployment: string; role: 'cause' | 'remediation'; at: string }[],
): HistoryEvent[] {
  const incidentId = idOf(name);
  const stream = incidentStream(incidentId);
  return [
    {
      stream,
      type: 'IncidentOpened',
      at: opened,
      data: {
        incidentId,
        title: `${name} on ${service}`,
        severity: 'SEV3',
        service,
        environment: `${service}-prod`,
        source: { kind: 'manual' },
        suspectedDeploymentId: null,
        openedAt: opened,
        openedBy: 'oncall',
      },
    },
    {
      stream,
      type: 'IncidentClassified',
      at: cause.at,
      data: {
        incidentId,
        severity: 'SEV2',
        causeClass: cause.causeClass,
        cause: cause.cause,
        missingSafeguard: cause.missingSafeguard,
        classifiedBy: 'oncall',
        reason: 'triage',
      },
    },
    ...links.map((l) => ({
      stream,
      type: 'IncidentLinked',
      at: l.at,
      data: { incidentId, deploymentId: idOf(l.deployment), role: l.role, reason: 'postmortem', linkedBy: 'oncall' },
    })),
  ];
}

const INCIDENTS: HistoryEvent[] = [
  ...incidentHistory(
    'I1',
    'ledger',
    at(2, 1, '11:00'),
    { causeClass: 'change_induced', cause: 'code', missingSafeguard: 'canary-analysis', at: at(2, 1, '12:00') },
    [
      { deployment: 'L4', role: 'cause', at: at(2, 1, '12:05') },
      { deployment: 'L6', role: 'remediation', at: at(3, 0, '10:30') },
    ],
  ),
  ...incidentHistory(
    'I2',
    'payments',
    at(2, 0, '13:00'),
    { causeClass: 'change_induced', cause: 'config', missingSafeguard: 'config-validation', at: at(2, 0, '13:30') },
    [
      { deployment: 'P3', role: 'cause', at: at(2, 0, '13:35') },
      { deployment: 'P4', role: 'remediation', at: at(2, 1, '12:30') },
    ],
  ),
  ...incidentHistory(
    'I3',
    'payments',
    at(2, 0, '14:00'),
    {
      causeClass: 'change_induced',
      cause: 'feature-flag',
      missingSafeguard: 'config-validation',
      at: at(2, 0, '14:10'),
    },
    [{ deployment: 'P3', role: 'cause', at: at(2, 0, '14:15') }],
  ),
  ...incidentHistory(
    'I4',
    'payments',
    at(3, 3, '12:00'),
    { causeClass: 'non_change', cause: 'provider', missingSafeguard: null, at: at(3, 3, '12:30') },
    [{ deployment: 'P7', role: 'cause', at: at(3, 3, '12:35') }],
  ),
];

/** Every event of the history in the order it happened (and is recorded). */
export function fixedHistory(): HistoryEvent[] {
  const all = [...DEPLOYMENTS.flatMap(deploymentHistory), ...INCIDENTS];
  // Stable: events at the same instant keep their stream's order.
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
