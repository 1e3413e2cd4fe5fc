import { randomUUID } from 'node:crypto';
import { deploymentStream, noticeStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebhook } from '../../test-support/fake-webhook.js';
import { type GovernanceFixture, startGovernance } from '../../test-support/governance-fixture.js';
import { deploymentSubject } from '../../test-support/governance-spec.js';

// Delivery over the real runtime (relay → NATS → governance--notice-delivery): unsigned without a secret, and recorded
// as not sent without a webhook.
const fields = {
  hypothesis: 'Connection pool exhausted',
  impact: 'ledger reads in prod',
  nextSteps: 'Raise the pool, watch p99',
  nextUpdateAt: '2026-11-02T10:00:00.000Z',
};

describe('notice delivery', () => {
  let hook: Awaited<ReturnType<typeof startFakeWebhook>>;
  let withHook: GovernanceFixture;
  let without: GovernanceFixture;
  const deploymentId = randomUUID();
  const rolledBack = {
    stream: deploymentStream(deploymentId),
    type: 'DeploymentRolledBack',
    at: '2026-11-02T08:40:00Z',
    data: {
      ...deploymentSubject(deploymentId),
      to: null,
      trigger: { kind: 'manual', triggerId: null, by: 'lead-1' },
      reason: 'pool',
    },
  };
  beforeAll(async () => {
    hook = await startFakeWebhook();
    withHook = await startGovernance('gov-deliver-unsigned', { notify: { url: hook.url, backoffMs: [100] } });
    without = await startGovernance('gov-deliver-none');
    for (const f of [withHook, without]) {
      await f.append([rolledBack]);
      await f.until(
        'the rollback',
        'SELECT count(*)::int AS n FROM reporting.deployments',
        (r: { n: number }) => r.n === 1,
      );
    }
  }, 60_000);
  afterAll(async () => {
    await withHook?.close();
    await without?.close();
    await hook?.close();
  });
  const send = async (f: GovernanceFixture) => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/notices',
      headers: await f.auth('lead-1', ['deployment-lead']),
      payload: { kind: 'rollback', deploymentId, ...fields },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().noticeId as string;
  };

  it("sends a person's notice, unsigned when no secret is set, and records the delivery", async () => {
    const noticeId = await send(withHook);
    await waitFor('the attempt', async () => (await withHook.store.readStream(noticeStream(noticeId))).length === 2);
    const [received] = hook.received;
    expect(JSON.parse(received!.body)).toMatchObject({ noticeId, kind: 'rollback', fields, snapshot: null });
    expect(received!.headers['webhook-signature']).toBeUndefined();
    const notice = (
      await withHook.app.inject({
        method: 'GET',
        url: `/notices/${noticeId}`,
        headers: await withHook.auth('a', ['auditor']),
      })
    ).json();
    expect(notice.payload).toBe(received!.body);
    expect(notice.attempts).toMatchObject([
      { attempt: 1, outcome: 'delivered', status: 200, signed: false, url: hook.url },
    ]);
  });

  it('without a webhook, records once that nothing was sent', async () => {
    const noticeId = await send(without);
    await waitFor('the attempt', async () => (await without.store.readStream(noticeStream(noticeId))).length === 2);
    const [, attempt] = await without.store.readStream(noticeStream(noticeId));
    expect(attempt!.data).toMatchObject({ outcome: 'not-configured', url: null, status: null });
  });
});
