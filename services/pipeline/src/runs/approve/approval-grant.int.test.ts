import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from '../../test-support/pipeline-fixture.js';

// G2 over HTTP and NATS: an approval into prod needs an `approve` grant that pipeline learnt from governance's events
// (GrantIssued/GrantRevoked on grant-<id>, relayed to NATS, kept by `pipeline--grants`). A token role is not enough.
describe('an approval into prod, with and without an approve grant', () => {
  let f: PipelineFixture;
  const stages = [
    { kind: 'build', name: 'build' },
    {
      kind: 'approval',
      name: 'prod sign-off',
      environment: 'prod',
      groups: ['approver'],
      minApprovals: 1,
      expiresAfterMinutes: 600,
    },
    { kind: 'deploy', name: 'prod', environment: 'prod' },
  ];
  beforeAll(async () => {
    f = await startPipeline('pipeGrant');
    const rm = await f.auth('rm-ana', ['release-manager']);
    const def = await f.app.inject({
      method: 'PUT',
      url: '/services/ledger-api/pipeline-definition',
      headers: rm,
      payload: { tier: 'standard', stages },
    });
    expect(def.statusCode).toBe(200);
    await f.publishArtifact({ name: 'ledger-api', version: '1.0.0', sha256: 'e'.repeat(64) });
    await f.until('ledger-api in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/ledger-api/1.0.0/gates', headers: rm });
      return res.statusCode === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  /** A run of ledger-api whose build passed: it waits at the prod approval (stage 1). */
  async function runAtApproval(): Promise<string> {
    const dev = await f.auth('dev-ana', ['developer']);
    const payload = {
      service: 'ledger-api',
      artifact: { name: 'ledger-api', version: '1.0.0' },
      changeAuthor: 'dev-bo',
    };
    const started = await f.app.inject({ method: 'POST', url: '/runs', headers: dev, payload });
    expect(started.statusCode).toBe(201);
    const runId = started.json().id as string;
    await f.app.inject({ method: 'POST', url: `/runs/${runId}/stages/0/claim`, headers: ciHeaders });
    const built = await f.app.inject({
      method: 'POST',
      url: `/runs/${runId}/stages/0/result`,
      headers: ciHeaders,
      payload: { outcome: 'passed', reason: 'green' },
    });
    expect(built.json()).toMatchObject({ currentStage: 1 });
    return runId;
  }
  const typesOf = async (runId: string) => (await f.store.readStream(`pipelineRun-${runId}`)).map((e) => e.type);
  const approve = async (runId: string, headers: Record<string, string>) =>
    f.app.inject({
      method: 'POST',
      url: `/runs/${runId}/stages/1/approvals`,
      headers,
      payload: { reason: 'Reviewed' },
    });

  it('refuses an approver without a grant (403, nothing appended), accepts once the grant is learnt, refuses again after a campaign revoked it', async () => {
    const approver = await f.auth('appr-cy', ['approver']);
    const admin = await f.auth('root-al', ['approver', 'admin']);
    const first = await runAtApproval();
    const before = await typesOf(first);

    for (const headers of [approver, admin]) {
      const refused = await approve(first, headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        code: 'PIPELINE_GRANT_REQUIRED',
        privilege: 'approve',
        environment: 'prod',
      });
    }
    expect(await typesOf(first)).toEqual(before);

    // A grant on another environment does not cover prod.
    await f.grant({ principal: 'appr-cy', privilege: 'approve', scope: { environment: 'staging' } });
    expect((await approve(first, approver)).json().code).toBe('PIPELINE_GRANT_REQUIRED');

    const scope = { environment: 'prod' };
    const grantId = await f.grant({ principal: 'appr-cy', privilege: 'approve', scope, reason: 'On the CAB rota.' });
    const approved = await approve(first, approver);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ currentStage: 2 });
    const granted = (await f.store.readStream(`pipelineRun-${first}`)).find((e) => e.type === 'ApprovalGranted');
    expect(granted?.data).toMatchObject({ approver: 'appr-cy', stage: 1, group: 'approver' });

    // The access review campaign revokes it; the next approval by that principal is refused.
    await f.revoke(grantId, {
      principal: 'appr-cy',
      privilege: 'approve',
      scope,
      revokedAt: '2026-11-26T08:00:00.000Z',
      campaignId: randomUUID(),
    });
    const second = await runAtApproval();
    const secondBefore = await typesOf(second);
    const afterRevocation = await approve(second, approver);
    expect([afterRevocation.statusCode, afterRevocation.json().code]).toEqual([403, 'PIPELINE_GRANT_REQUIRED']);
    expect(await typesOf(second)).toEqual(secondBefore);
  });

  it('keeps separation of duties for a grant holder, and asks no grant outside prod', async () => {
    await f.grant({ principal: 'dev-ana', privilege: 'approve', scope: { environment: 'prod' } });
    const runId = await runAtApproval();
    const trigger = await f.auth('dev-ana', ['developer', 'approver']);
    const self = await approve(runId, trigger);
    expect([self.statusCode, self.json().code]).toEqual([409, 'PIPELINE_APPROVAL_SELF_APPROVAL']);
    // A grant that expired before now no longer holds.
    await f.grant({
      principal: 'appr-dee',
      privilege: 'approve',
      scope: { environment: 'prod' },
      expiresAt: '2026-11-26T08:59:59.000Z',
    });
    const expired = await approve(runId, await f.auth('appr-dee', ['approver']));
    expect([expired.statusCode, expired.json().code]).toEqual([403, 'PIPELINE_GRANT_REQUIRED']);
  });
});
