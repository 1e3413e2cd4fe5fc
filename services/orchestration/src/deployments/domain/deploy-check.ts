import {
  OrchestrationErrorCodes as Codes,
  type EnvironmentTier,
  type QuotaDemand,
  type QuotaExcess,
} from '@railyard/contracts';
import { type BookingCalendarState, bookingCheck } from '../../bookings/domain/booking-calendar.decide.js';
import {
  checkDataPolicy,
  type DataPolicyRefusal,
  type DatasetPolicyView,
  describeDataPolicyRefusals,
} from '../../data-policy/domain/data-policy.js';
import { describeExcess, type QuotaState, quotaExcess } from '../../quotas/domain/quota.decide.js';
import type { OverrideGrant } from '../../windows/domain/override.decide.js';
import { type CalendarWindows, checkWindows, type WindowVerdict } from '../../windows/domain/window-check.js';

/** Everything a deployment is checked against, gathered by the caller (an HTTP slice now, part 2's consumer later). */
export interface DeployCheckInput {
  at: Date;
  service: string;
  environment: { name: string; tier: EnvironmentTier; region: string; tornDownAt: string | null };
  releaseId: string | null;
  windows: { calendars: readonly CalendarWindows[]; overrides: readonly OverrideGrant[] };
  bookings: BookingCalendarState;
  datasets: readonly DatasetPolicyView[];
  /** The team's quota in the environment (exists: false when none is set: no limit) and what the deployment declares. */
  quota: { state: QuotaState; demand: QuotaDemand } | null;
}

export interface DeployRefusal {
  check: 'environment' | 'window' | 'booking' | 'data-policy' | 'quota';
  code: string;
  detail: string;
}

export interface DeployCheckResult {
  allowed: boolean;
  refusals: DeployRefusal[];
  checks: {
    window: WindowVerdict;
    booking: ReturnType<typeof bookingCheck>;
    dataPolicy: { ok: boolean; refusals: DataPolicyRefusal[] };
    quota: { status: 'no-quota' | 'fits' | 'refuse' | 'queue'; exceeded: QuotaExcess[] };
  };
}

/**
 * The part-1 checks a deployment must pass, in one pure function: window (O3), booking (E2), data policy (E3) and
 * quota (E5). `POST /deployments/check` answers with it today; part 2's deployment consumer calls it before it acts
 * and records the refusals. Every failing check is reported, not just the first.
 */
export function checkDeployment(input: DeployCheckInput): DeployCheckResult {
  const refusals: DeployRefusal[] = [];
  const { environment: env, at } = input;
  if (env.tornDownAt) {
    refusals.push({
      check: 'environment',
      code: Codes.ENVIRONMENT_TORN_DOWN,
      detail: `Environment ${env.name} was torn down at ${env.tornDownAt}.`,
    });
  }
  const window = checkWindows({
    at,
    target: { service: input.service, environment: env.name, tier: env.tier, region: env.region },
    calendars: input.windows.calendars,
    overrides: input.windows.overrides,
  });
  if (!window.allowed) {
    const by = window.decidedBy.map((w) => w.reason ?? `${w.kind} window ${w.windowId}`).join('; ');
    refusals.push({
      check: 'window',
      code: Codes.WINDOW_BLOCKED,
      detail: window.verdict === 'outside-allow' ? `Outside every allow window (${by}).` : `Blocked by: ${by}.`,
    });
  }
  const booking = bookingCheck(input.bookings, { releaseId: input.releaseId, at });
  if (!booking.ok && booking.heldBy) {
    refusals.push({
      check: 'booking',
      code: Codes.ENVIRONMENT_BOOKED,
      detail: `Environment ${env.name} is booked by release ${booking.heldBy.releaseId} (booking ${booking.heldBy.bookingId}) until ${booking.heldBy.until}.`,
    });
  }
  const dataRefusals = checkDataPolicy({ tier: env.tier, datasets: input.datasets, at });
  if (dataRefusals.length > 0) {
    refusals.push({
      check: 'data-policy',
      code: Codes.MASKING_ATTESTATION_REQUIRED,
      detail: `${describeDataPolicyRefusals(dataRefusals)}.`,
    });
  }
  let quota: DeployCheckResult['checks']['quota'] = { status: 'no-quota', exceeded: [] };
  if (input.quota?.state.exists) {
    const q = input.quota.state;
    const exceeded = quotaExcess(q.limits, q.reservations, input.quota.demand);
    quota = { status: exceeded.length === 0 ? 'fits' : q.whenExceeded, exceeded };
    if (exceeded.length > 0) {
      refusals.push({
        check: 'quota',
        code: Codes.QUOTA_EXCEEDED,
        detail: `Team ${q.team} is over its quota in ${q.environment}: ${describeExcess(exceeded)}${q.whenExceeded === 'queue' ? ' (the deployment would be queued)' : ''}.`,
      });
    }
  }
  return {
    allowed: refusals.length === 0,
    refusals,
    checks: { window, booking, dataPolicy: { ok: dataRefusals.length === 0, refusals: dataRefusals }, quota },
  };
}
