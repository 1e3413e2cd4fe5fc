import { z } from 'zod';

/**
 * The wire protocol between orchestration's webhook driver and a deploy agent. Both directions are signed with the
 * Standard Webhooks scheme (standard-webhooks/spec 1.0: `webhook-id`, `webhook-timestamp`, `webhook-signature` over
 * `${id}.${timestamp}.${body}`), each direction with its own secret. Orchestration's copy of these shapes lives in
 * its driver; they are kept apart on purpose (a deploy agent is a third party) and agree by this document.
 */

const Version = z.string().min(1).max(256);
const Name = z.string().min(1).max(200);
export const Artifact = z.strictObject({ name: Name, version: Version, sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const StepAction = z.enum([
  'set-weight',
  'pause',
  'deploy-preview',
  'switch',
  'retire-old',
  'roll-batch',
  'rollback',
]);
export type StepAction = z.infer<typeof StepAction>;

/** `POST /steps`: one step of one deployment. The `webhook-id` header is the request id (the idempotency key). */
export const StepRequest = z.strictObject({
  deploymentId: z.string().min(1).max(200),
  service: Name,
  environment: Name,
  artifact: Artifact,
  rollbackTo: Artifact.nullable(),
  step: z.strictObject({
    step: z.number().int().min(0),
    action: StepAction,
    weight: z.number().int().min(0).max(100).optional(),
    pauseMinutes: z.number().int().min(0).optional(),
    batchPercent: z.number().int().min(1).max(100).optional(),
    keepMinutes: z.number().int().min(0).optional(),
  }),
  callbackUrl: z.url({ protocol: /^https?$/ }),
});
export type StepRequest = z.infer<typeof StepRequest>;

/** The signed callback the agent posts to `callbackUrl` once the step is done (or failed). */
export const StepCallback = z.strictObject({
  requestId: z.string().min(1).max(200),
  deploymentId: z.string().min(1).max(200),
  step: z.number().int().min(0),
  action: StepAction,
  outcome: z.enum(['succeeded', 'failed']),
  live: z.strictObject({ version: Version, weight: z.number().int().min(0).max(100) }).nullable(),
  detail: z.string().max(2000),
});
export type StepCallback = z.infer<typeof StepCallback>;

/** The callback's own webhook-id: derived from the request's, so a re-sent request yields the same callback id. */
export const callbackIdFor = (requestId: string) => `${requestId}.callback`;
