import type { DeploymentStepPlan } from '@railyard/contracts';

type Artifact = { name: string; version: string; sha256: string };

/** One step a driver is asked to perform for a deployment. */
export interface DriverStep {
  /** The idempotency key of the request: the same step sent again carries the same id. */
  requestId: string;
  deploymentId: string;
  service: string;
  environment: string;
  artifact: Artifact;
  rollbackTo: Artifact | null;
  step: DeploymentStepPlan;
}

/**
 * The driver port (O7): how orchestration has a step performed on a deployment target. `send` resolves once the
 * target accepted the step; the outcome arrives later, asynchronously, as a verified callback
 * (`POST /deployments/callbacks`). More drivers (Kubernetes, a cloud's API) implement the same port.
 */
export interface DeploymentDriver {
  readonly name: string;
  send(step: DriverStep): Promise<void>;
}

/** The target refused or could not be reached; the executor retries, then fails the deployment. */
export class DriverUnavailableError extends Error {
  override readonly name = 'DriverUnavailableError';
}
