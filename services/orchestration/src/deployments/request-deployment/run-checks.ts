import { type DeploymentCheckResult, DomainError, type EnvironmentTier, type QuotaDemand } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { CheckDeploymentDeps } from '../check-deployment/route.js';
import { checkDeployment, type DeployRefusal } from '../domain/deploy-check.js';

/** What a service declares about its deployments beyond the pipeline's request: whose quota, what data it uses. */
export interface DeploymentProfile {
  team: string | null;
  demand: QuotaDemand;
  datasets: string[];
}
export const NO_PROFILE: DeploymentProfile = {
  team: null,
  demand: { instances: 0, cpuUnits: 0, memoryUnits: 0 },
  datasets: [],
};

export type CheckInputs = Omit<CheckDeploymentDeps, 'store' | 'now'>;

// The contract's checks have no `environment` kind: an environment orchestration does not know, or one torn down,
// cannot be booked for the deployment, so its refusal is recorded as a failed booking check with the reason.
const contractCheck = (c: DeployRefusal['check']): DeploymentCheckResult['check'] =>
  c === 'environment' ? 'booking' : c;

/**
 * Part 1's checks (window, booking, data policy, quota) for a requested deployment, with `checkDeployment` deciding,
 * as `POST /deployments/check` does; every check is reported, passed or not, with its reason.
 */
export async function runDeploymentChecks(
  store: EventStore,
  deps: CheckInputs,
  input: { at: Date; service: string; environment: string; releaseId: string | null; profile: DeploymentProfile },
): Promise<{ tier: EnvironmentTier | null; checks: DeploymentCheckResult[] }> {
  let environment: Awaited<ReturnType<CheckInputs['loadEnvironment']>>['environment'];
  try {
    ({ environment } = await deps.loadEnvironment(store, input.environment));
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'not-found') throw error;
    return {
      tier: null,
      checks: [
        { check: 'booking', passed: false, reason: `Orchestration knows no environment named ${input.environment}.` },
      ],
    };
  }
  const { profile, at } = input;
  const [windows, bookings, datasets, quota] = await Promise.all([
    deps.readWindows(at, input.service, input.environment),
    deps.loadBookings(store, input.environment),
    deps.loadDatasets(store, profile.datasets),
    profile.team ? deps.loadQuota(store, profile.team, input.environment) : undefined,
  ]);
  const result = checkDeployment({
    at,
    service: input.service,
    environment: {
      name: environment.name,
      tier: environment.tier,
      region: environment.region,
      tornDownAt: environment.tornDownAt,
    },
    releaseId: input.releaseId,
    windows,
    bookings: bookings.state,
    datasets,
    quota: quota ? { state: quota.state, demand: profile.demand } : null,
  });
  const refused = (check: DeployRefusal['check']) => result.refusals.filter((r) => r.check === check);
  const checks: DeploymentCheckResult[] = [];
  for (const r of refused('environment')) checks.push({ check: 'booking', passed: false, reason: r.detail });
  const line = (check: Exclude<DeployRefusal['check'], 'environment'>, passedReason: string) => {
    const refusals = refused(check);
    checks.push(
      refusals.length > 0
        ? { check: contractCheck(check), passed: false, reason: refusals.map((r) => r.detail).join(' ') }
        : { check: contractCheck(check), passed: true, reason: passedReason },
    );
  };
  const w = result.checks.window;
  line('window', w.verdict === 'no-windows' ? 'No deployment window applies.' : `Window verdict: ${w.verdict}.`);
  line('booking', 'The environment is not booked by another release.');
  line(
    'data-policy',
    profile.datasets.length === 0
      ? 'The deployment uses no registered dataset.'
      : 'Every dataset may be used in this tier.',
  );
  line(
    'quota',
    profile.team ? `Quota of team ${profile.team}: ${result.checks.quota.status}.` : 'No team quota applies.',
  );
  return { tier: environment.tier, checks };
}
