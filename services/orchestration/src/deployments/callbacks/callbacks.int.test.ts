import {
  OrchestrationErrorCodes as Codes,
  DeploymentFailed,
  DeploymentStepCompleted,
  DeploymentSucceeded,
  deploymentStream,
  ErrorCodes,
} from '@railyard/contracts';
import { event, httpSpecification, type InjectRequest } from '@railyard/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type DeploymentHistory,
  deploymentHistory,
  heldCanary,
  STARTED_AT,
} from '../../test-support/deployment-spec.js';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';
import { stepRequestId } from '../execution/executor.js';

// POST /deployments/callbacks (O7): the deploy agent's signed answer to a step, authenticated by Standard Webhooks.
const callbackSecret = `whsec_${Buffer.from('callbacks-spec-callback-secret').toString('base64')}`;
const otherSecret = `whsec_${Buffer.from('callbacks-spec-some-other-secret').toString('base64')}`;
const noAgent = `whsec_${Buffer.from('no-agent-in-this-test').toString('base64')}`;

describe('POST /deployments/callbacks', () => {
  let f: OrchestrationFixture;
  beforeAll(async () => {
    f = await startOrchestration('callbacksSpec', {
      deployments: {
        agentUrl: 'http://127.0.0.1:9',
        agentSecret: noAgent,
        callbackSecret,
        callbackUrl: 'http://127.0.0.1:9/deployments/callbacks',
        intervalMs: false,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  /** A callback as the agent sends it: the exact bytes signed with `secret`, stamped `at` (default: now). */
  const callback =
    (body: unknown, webhookId: string, options: { secret?: string; at?: () => Date; raw?: string } = {}) =>
    (): InjectRequest => {
      const payload = options.raw ?? JSON.stringify(body);
      const at = options.at?.() ?? new Date();
      return {
        method: 'POST',
        url: '/deployments/callbacks',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(options.secret ?? callbackSecret).sign(webhookId, at, payload),
        },
        payload,
      };
    };
  const oneStep = [{ step: 0, action: 'set-weight' as const, weight: 100 }];
  /** The agent's answer to step `step` of `d`, sent with the request id the executor gave it. */
  const answer = (d: DeploymentHistory, step: number, over: Record<string, unknown> = {}) => ({
    requestId: stepRequestId(d.id, step),
    deploymentId: d.id,
    step,
    action: 'set-weight',
    outcome: 'succeeded',
    live: { version: '2.0.0', weight: 100 },
    detail: 'weight set',
    ...over,
  });

  it("records the last step's success: DeploymentStepCompleted and DeploymentSucceeded", async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...d.started(oneStep), d.stepStarted(oneStep[0]!))
      .when(callback(answer(d, 0), 'cb-last-step'))
      .then({
        status: 200,
        body: { recorded: true, status: 'succeeded' },
        events: {
          [d.stream]: [
            event(DeploymentStepCompleted, {
              deploymentId: d.id,
              service: 'checkout',
              environment: 'staging-eu',
              step: oneStep[0]!,
              outcome: 'succeeded',
              callbackId: 'cb-last-step',
              live: { version: '2.0.0', weight: 100 },
              detail: 'weight set',
            }),
            event(DeploymentSucceeded, {
              ...d.subject,
              commits: [],
              startedAt: STARTED_AT.toISOString(),
              reason: 'Every step succeeded: 2.0.0 is live in staging-eu.',
            }),
          ],
        },
      });
  });

  it("records a step's failure: DeploymentStepCompleted (failed) and DeploymentFailed naming the step", async () => {
    const d = deploymentHistory('checkout-prod', 'prod');
    await httpSpecification(f)
      .given(d.stream, ...d.started(), d.stepStarted(heldCanary[0]!))
      .when(callback(answer(d, 0, { outcome: 'failed', live: null, detail: 'pods crash-looping' }), 'cb-failed'))
      .then({
        status: 200,
        body: { recorded: true, status: 'failed' },
        events: {
          [d.stream]: [
            event(DeploymentStepCompleted, {
              deploymentId: d.id,
              service: 'checkout',
              environment: 'checkout-prod',
              step: heldCanary[0]!,
              outcome: 'failed',
              callbackId: 'cb-failed',
              live: null,
              detail: 'pods crash-looping',
            }),
            event(DeploymentFailed, {
              ...d.subject,
              failedStep: 0,
              reason: 'Step 0 (set-weight) failed: pods crash-looping',
            }),
          ],
        },
      });
  });

  it('200 recorded: false for a replayed webhook-id, and for a second answer to a step already answered', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    const history = [
      ...d.started(oneStep),
      d.stepStarted(oneStep[0]!),
      d.stepCompleted(oneStep[0]!, { callbackId: 'cb-first', live: { version: '2.0.0', weight: 100 } }),
      event(DeploymentSucceeded, {
        ...d.subject,
        commits: [],
        startedAt: STARTED_AT.toISOString(),
        reason: 'Every step succeeded: 2.0.0 is live in staging-eu.',
      }),
    ];
    await httpSpecification(f)
      .given(d.stream, ...history)
      .when(callback(answer(d, 0), 'cb-first'))
      .then({ status: 200, body: { recorded: false, status: 'succeeded' } });
    await httpSpecification(f)
      .given(d.stream)
      .when(callback(answer(d, 0, { outcome: 'failed', detail: 'late' }), 'cb-second'))
      .then({ status: 200, body: { recorded: false, status: 'succeeded' } });
  });

  it('409 ORCHESTRATION_DEPLOYMENT_STEP_NOT_STARTED for a step never sent, or sent with another request id', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...d.started(), d.stepStarted(heldCanary[0]!))
      .when(callback(answer(d, 2), 'cb-never-sent'))
      .then({ status: 409, code: Codes.STEP_NOT_STARTED });
    await httpSpecification(f)
      .given(d.stream)
      .when(callback(answer(d, 0, { requestId: crypto.randomUUID() }), 'cb-other-request'))
      .then({ status: 409, code: Codes.STEP_NOT_STARTED });
  });

  it('404 ORCHESTRATION_DEPLOYMENT_NOT_FOUND for a deployment never scheduled', async () => {
    const id = crypto.randomUUID();
    await httpSpecification(f)
      .given(deploymentStream(id))
      .when(callback({ ...answer(deploymentHistory('staging-eu', 'staging'), 0), deploymentId: id }, 'cb-nowhere'))
      .then({ status: 404, code: Codes.DEPLOYMENT_NOT_FOUND });
  });

  it('401 for an unsigned, a forged or a stale callback: nothing recorded', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    const body = answer(d, 0);
    await httpSpecification(f)
      .given(d.stream, ...d.started(oneStep), d.stepStarted(oneStep[0]!))
      .when({ method: 'POST', url: '/deployments/callbacks', payload: body })
      .then({ status: 401, code: Codes.CALLBACK_SIGNATURE_INVALID });
    await httpSpecification(f)
      .given(d.stream)
      .when(callback(body, 'cb-forged', { secret: otherSecret }))
      .then({ status: 401, code: Codes.CALLBACK_SIGNATURE_INVALID });
    await httpSpecification(f)
      .given(d.stream)
      .when(callback(body, 'cb-stale', { at: () => new Date(Date.now() - 6 * 60_000) }))
      .then({ status: 401, code: Codes.CALLBACK_TIMESTAMP_STALE });
  });

  it('400 for a signed body that is not a callback, or not JSON: nothing recorded', async () => {
    const d = deploymentHistory('staging-eu', 'staging');
    await httpSpecification(f)
      .given(d.stream, ...d.started(oneStep), d.stepStarted(oneStep[0]!))
      .when(callback(answer(d, 0, { outcome: 'maybe' }), 'cb-bad-outcome'))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(f)
      .given(d.stream)
      .when(callback(undefined, 'cb-not-json', { raw: '{"requestId": ' }))
      .then({ status: 400, code: ErrorCodes.MALFORMED_JSON });
  });
});
