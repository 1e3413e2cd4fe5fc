import { Webhook } from 'standardwebhooks';
import { type DeploymentDriver, type DriverStep, DriverUnavailableError } from './driver.js';

export interface WebhookDriverOptions {
  /** The deploy agent's base URL; steps go to `<agentUrl>/steps`. */
  agentUrl: string;
  /** Signs the requests (Standard Webhooks, `whsec_` + base64): the agent verifies with the same secret. */
  secret: string;
  /**
   * Where the agent posts its signed callbacks (orchestration's `POST /deployments/callbacks`, as the agent reaches
   * it); a function when the address is known only once the server listens (tests on port 0).
   */
  callbackUrl: string | (() => string);
  /** Per request (default 5 s). */
  timeoutMs?: number;
}

/**
 * The webhook driver: each step is a JSON POST to the deploy agent, signed per Standard Webhooks 1.0 with the
 * `standardwebhooks` package (`webhook-id` = the step's request id, so a re-sent step is recognised as a replay;
 * `webhook-timestamp` in Unix seconds; `webhook-signature` = `v1,<HMAC-SHA256>` over `${id}.${timestamp}.${body}`).
 * The agent answers 202 and calls back later with the outcome. The wire shape is in tools/deploy-agent's README.
 */
export function createWebhookDriver(options: WebhookDriverOptions): DeploymentDriver {
  const signer = new Webhook(options.secret);
  const url = new URL('steps', options.agentUrl.endsWith('/') ? options.agentUrl : `${options.agentUrl}/`);
  return {
    name: 'webhook',
    async send(step: DriverStep) {
      const body = JSON.stringify({
        deploymentId: step.deploymentId,
        service: step.service,
        environment: step.environment,
        artifact: step.artifact,
        rollbackTo: step.rollbackTo,
        step: step.step,
        callbackUrl: typeof options.callbackUrl === 'function' ? options.callbackUrl() : options.callbackUrl,
      });
      // The wall clock, not the service's injectable one: the agent checks the timestamp against its own clock.
      const at = new Date();
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': step.requestId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(step.requestId, at, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new DriverUnavailableError(`The deploy agent at ${url.origin} is unreachable: ${String(error)}`);
      }
      await res.body?.cancel();
      if (!res.ok)
        throw new DriverUnavailableError(`The deploy agent refused step ${step.step.step}: HTTP ${res.status}.`);
    },
  };
}
