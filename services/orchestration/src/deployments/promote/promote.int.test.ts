import {
  OrchestrationErrorCodes as Codes,
  DeploymentPromoted,
  DeploymentStepCompleted,
  DeploymentStepStarted,
  DeploymentSucceeded,
  deploymentStream,
  ErrorCodes,
} from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type DeploymentHistory,
  deploymentHistory,
  heldCanary,
  requestAs,
  STARTED_AT,
} from '../../test-support/deployment-spec.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';
import { stepRequestId } from '../execution/executor.js';

// POST /deployments/:id/promote (O6): a lead ends the pause a canary is held at; in prod only with a grant (G2).
describe('POST /deployments/:id/promote', () => {
  let f: OrchestrationFixture;
  beforeAll(async () => {
    f = await startOrchestration('promoteSpec');
    // G2: lead-lou may promote in checkout-prod; lead-kim holds nothing there.
    await f.grant({ principal: 'lead-lou', privilege: 'lead', scope: { environment: 'checkout-prod' } });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  const promote = (
    id: string,
    sub = 'lead-lou',
    roles = ['deployment-lead'],
    payload: unknown = { reason: 'p99 flat' },
  ) => requestAs(f, sub, roles, { method: 'POST', url: `/deployments/${id}/promote`, payload });
  /** Started, its 20% step answered, held at the pause (step 1). */
  const heldAtPause = (d: DeploymentHistory) => [
    ...d.started(),
    d.stepStarted(heldCanary[0]!),
    d.stepCompleted(heldCanary[0]!),
    d.stepStarted(heldCanary[1]!),
  ];
  const promotion = (
    d: DeploymentHistory,
    step: (typeof heldCanary)[number],
    live: { version: string; weight: number },
  ) => [
    event(DeploymentPromoted, { ...d.subject, step: step.step, by: 'lead-lou', reason: 'p99 flat' }),
    event(DeploymentStepCompleted, {
      deploymentId: d.id,
      service: 'checkout',
      environment: d.subject.environment,
      step,
      outcome: 'succeeded',
      callbackId: `promote:${stepRequestId(d.id, step.step)}`,
      live,
      detail: 'Promoted by lead-lou: p99 flat',
    }),
  ];

  it('ends the pause: DeploymentPromoted with the pause step completed, and the next step is sent', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...heldAtPause(d))
      .when(promote(d.id))
      .then({
        status: 200,
        body: {
          id: d.id,
          status: 'running',
          live: { version: '2.0.0', weight: 20 },
          steps: [{ status: 'succeeded' }, { status: 'succeeded' }, { status: 'started' }],
        },
        events: {
          [d.stream]: [
            ...promotion(d, heldCanary[1]!, { version: '2.0.0', weight: 20 }),
            event(DeploymentStepStarted, {
              deploymentId: d.id,
              service: 'checkout',
              environment: 'staging-eu',
              step: heldCanary[2]!,
              requestId: stepRequestId(d.id, 2),
            }),
          ],
        },
      });
  });

  it('in prod with a lead grant, held at its last step: promoted and succeeded', async () => {
    const d = deploymentHistory('checkout-prod', 'prod');
    const steps = [
      { step: 0, action: 'set-weight' as const, weight: 100 },
      { step: 1, action: 'pause' as const, pauseMinutes: 0 },
    ];
    await httpSpecification(f)
      .given(
        d.stream,
        ...d.started(steps),
        d.stepStarted(steps[0]!),
        d.stepCompleted(steps[0]!, { live: { version: '2.0.0', weight: 100 } }),
        d.stepStarted(steps[1]!),
      )
      .when(promote(d.id))
      .then({
        status: 200,
        body: { id: d.id, status: 'succeeded' },
        events: {
          [d.stream]: [
            ...promotion(d, steps[1]!, { version: '2.0.0', weight: 100 }),
            event(DeploymentSucceeded, {
              ...d.subject,
              commits: [],
              startedAt: STARTED_AT.toISOString(),
              reason: 'Every step succeeded: 2.0.0 is live in checkout-prod.',
            }),
          ],
        },
      });
  });

  it('403 ORCHESTRATION_GRANT_REQUIRED in prod for a lead without a grant there', async () => {
    const d = deploymentHistory('checkout-prod', 'prod');
    await httpSpecification(f)
      .given(d.stream, ...heldAtPause(d))
      .when(promote(d.id, 'lead-kim'))
      .then({ status: 403, code: Codes.GRANT_REQUIRED });
  });

  it('409 ORCHESTRATION_DEPLOYMENT_NOT_HELD while a step other than a held pause is in flight', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...d.started(), d.stepStarted(heldCanary[0]!))
      .when(promote(d.id))
      .then({ status: 409, code: Codes.DEPLOYMENT_NOT_HELD });
  });

  it('404 ORCHESTRATION_DEPLOYMENT_NOT_FOUND for a deployment never scheduled', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(deploymentStream(id))
      .when(promote(id))
      .then({ status: 404, code: Codes.DEPLOYMENT_NOT_FOUND });
  });

  it('400 for an empty reason, 403 for a role other than deployment-lead: nothing recorded', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...heldAtPause(d))
      .when(promote(d.id, 'lead-lou', ['deployment-lead'], { reason: ' ' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(f)
      .given(d.stream)
      .when(promote(d.id, 'dev-dan', ['developer']))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
