import {
  OrchestrationErrorCodes as Codes,
  type DriftDifference,
  type EnvironmentEvent,
  type EnvironmentTier,
  type IacSource,
  invalid,
  notFound,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { assertCron, assertTimeZone, lastStartAtOrBefore } from '../../windows/domain/schedule.js';
import { diffJson } from './json-diff.js';

export type DriftStatus = 'unknown' | 'in-sync' | 'drifted';

export interface RegisteredEnvironment {
  exists: true;
  name: string;
  service: string;
  tier: EnvironmentTier;
  region: string;
  iac: IacSource;
  driftIgnore: string[];
  ttlMinutes: number | null;
  expiresAt: string | null;
  recreate: { cron: string; timeZone: string } | null;
  registeredAt: string;
  actual: { config: Record<string, unknown>; sha256: string } | null;
  drift: { status: DriftStatus; differences: DriftDifference[] };
  tornDownAt: string | null;
  /** The schedule occurrence the last recreate request was for: the next one must be later. */
  lastRecreateFor: string | null;
}
export type EnvironmentState = { exists: false } | RegisteredEnvironment;

export type EnvironmentCommand =
  | {
      type: 'RegisterEnvironment';
      name: string;
      service: string;
      tier: EnvironmentTier;
      region: string;
      iac: IacSource;
      driftIgnore: string[];
      ttlMinutes: number | null;
      recreate: { cron: string; timeZone: string } | null;
      actor: string;
      at: Date;
    }
  | { type: 'ReportActualConfig'; config: Record<string, unknown>; configSha256: string; actor: string; at: Date }
  /** The scheduler's heartbeat: tear down what expired, request the recreate that came due. */
  | { type: 'Tick'; at: Date };

const plusMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();

function register(c: Extract<EnvironmentCommand, { type: 'RegisterEnvironment' }>, s: EnvironmentState) {
  if (s.exists) throw ruleViolated(Codes.ENVIRONMENT_EXISTS, `Environment ${c.name} is already registered.`);
  // A TTL only makes sense for throw-away environments; a long-lived one that silently expires would be an outage.
  if (c.ttlMinutes !== null && c.tier !== 'ephemeral') {
    throw invalid(Codes.TTL_NOT_EPHEMERAL, 'Only ephemeral environments have a TTL.');
  }
  if (c.ttlMinutes === null && c.tier === 'ephemeral') {
    throw invalid(Codes.TTL_REQUIRED, 'An ephemeral environment needs a TTL (ttlMinutes).');
  }
  if (c.recreate) {
    assertTimeZone(c.recreate.timeZone);
    assertCron(c.recreate.cron, c.recreate.timeZone);
  }
  const event: EnvironmentEvent = {
    type: 'EnvironmentRegistered',
    data: {
      name: c.name,
      service: c.service,
      tier: c.tier,
      region: c.region,
      iac: c.iac,
      driftIgnore: c.driftIgnore,
      ttlMinutes: c.ttlMinutes,
      expiresAt: c.ttlMinutes === null ? null : plusMinutes(c.at, c.ttlMinutes),
      recreate: c.recreate,
      registeredAt: c.at.toISOString(),
      registeredBy: c.actor,
    },
  };
  return [event];
}

function report(c: Extract<EnvironmentCommand, { type: 'ReportActualConfig' }>, s: RegisteredEnvironment) {
  if (s.tornDownAt) throw ruleViolated(Codes.ENVIRONMENT_TORN_DOWN, `Environment ${s.name} was torn down.`);
  const events: EnvironmentEvent[] = [
    {
      type: 'ActualConfigReported',
      data: { name: s.name, config: c.config, configSha256: c.configSha256, reportedBy: c.actor },
    },
  ];
  const differences = diffJson(s.iac.parameters, c.config, s.driftIgnore);
  if (differences.length > 0) {
    // Recorded again only when the drift itself changed: repeated identical reports are not news.
    const same = s.drift.status === 'drifted' && JSON.stringify(s.drift.differences) === JSON.stringify(differences);
    if (!same)
      events.push({ type: 'DriftDetected', data: { name: s.name, configSha256: c.configSha256, differences } });
  } else if (s.drift.status === 'drifted') {
    events.push({ type: 'DriftCleared', data: { name: s.name, configSha256: c.configSha256 } });
  }
  return events;
}

/** What the scheduler does to one environment at `at`: pure, so a test moves the clock instead of sleeping. */
function tick(at: Date, s: RegisteredEnvironment): EnvironmentEvent[] {
  const events: EnvironmentEvent[] = [];
  if (s.tornDownAt === null && s.expiresAt !== null && new Date(s.expiresAt).getTime() <= at.getTime()) {
    events.push({
      type: 'EnvironmentTornDown',
      data: { name: s.name, reason: 'ttl-expired', expiresAt: s.expiresAt, tornDownAt: at.toISOString() },
    });
  }
  if (s.recreate) {
    const due = lastStartAtOrBefore(s.recreate.cron, s.recreate.timeZone, at);
    const since = new Date(s.lastRecreateFor ?? s.registeredAt).getTime();
    // Only the latest occurrence is requested: a scheduler that was down for a week asks for one recreate, not seven.
    if (due && due.getTime() > since) {
      events.push({
        type: 'EnvironmentRecreateRequested',
        data: {
          name: s.name,
          cron: s.recreate.cron,
          scheduledFor: due.toISOString(),
          requestedAt: at.toISOString(),
          expiresAt: s.ttlMinutes === null ? null : plusMinutes(at, s.ttlMinutes),
        },
      });
    }
  }
  return events;
}

export const environmentDecider: Decider<EnvironmentCommand, EnvironmentEvent, EnvironmentState> = {
  initialState: { exists: false },
  evolve(s, e) {
    if (e.type === 'EnvironmentRegistered') {
      const { registeredBy: _by, ...d } = e.data;
      return {
        exists: true,
        ...d,
        actual: null,
        drift: { status: 'unknown', differences: [] },
        tornDownAt: null,
        lastRecreateFor: null,
      };
    }
    if (!s.exists) return s;
    switch (e.type) {
      case 'ActualConfigReported':
        return {
          ...s,
          actual: { config: e.data.config, sha256: e.data.configSha256 },
          // A report without a DriftDetected after it means in sync (a DriftDetected that follows overrides this).
          drift: s.drift.status === 'drifted' ? s.drift : { status: 'in-sync', differences: [] },
        };
      case 'DriftDetected':
        return { ...s, drift: { status: 'drifted', differences: e.data.differences } };
      case 'DriftCleared':
        return { ...s, drift: { status: 'in-sync', differences: [] } };
      case 'EnvironmentTornDown':
        return { ...s, tornDownAt: e.data.tornDownAt };
      case 'EnvironmentRecreateRequested':
        return { ...s, tornDownAt: null, expiresAt: e.data.expiresAt, lastRecreateFor: e.data.scheduledFor };
      default:
        return s;
    }
  },
  decide(c, s) {
    if (c.type === 'RegisterEnvironment') return register(c, s);
    if (!s.exists) throw notFound(Codes.ENVIRONMENT_NOT_FOUND, 'No environment with this name.');
    if (c.type === 'ReportActualConfig') return report(c, s);
    return tick(c.at, s);
  },
};
