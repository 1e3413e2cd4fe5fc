import {
  PipelineErrorCodes as Codes,
  ErrorCodes,
  SecurityExceptionApproved,
  SecurityExceptionRequested,
  type SecurityRule,
} from '@railyard/contracts';
import { event, type InjectedResponse, type SpecEvent } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dev } from '../../runs/domain/run.examples.js';
import { noCritical, policyVersioned, type RunSpecFixture, startRunSpecs } from '../../test-support/run-spec.js';
import { policyIdOf, policyStream } from '../gate-commands.js';

describe('security policies: PUT /security-policies/:name, its exceptions and their approval', () => {
  let s: RunSpecFixture;
  beforeAll(async () => {
    s = await startRunSpecs('pipeSecurityPolicy');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const sre = { id: 'sre-lee', kind: 'user' as const, roles: ['sre'] };
  const approver = { id: 'appr-cy', kind: 'user' as const, roles: ['approver'] };
  const fresh = () => {
    const name = `pol-${crypto.randomUUID().slice(0, 8)}`;
    return { name, stream: policyStream(name), policyId: policyIdOf(name) };
  };
  const noHigh: SecurityRule = {
    id: 'no-high',
    description: 'at most 3 high findings',
    expression: "finding.severity == 'high'",
    maxCount: 3,
  };
  const expiresAt = '2026-12-10T10:00:00.000Z';

  describe('PUT', () => {
    const put = (name: string, payload: unknown) => s.request('PUT', `/security-policies/${name}`, sre, payload);

    it('publishes the first version: SecurityPolicyVersioned v1', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream)
        .when(put(name, { rules: [noCritical], reason: 'baseline policy' }))
        .then({
          status: 200,
          body: { name, version: 1, rules: [noCritical], exceptions: [] },
          events: { [stream]: [policyVersioned(name, [noCritical], 1, 'baseline policy')] },
        });
    });

    it('publishes changed rules as the next version: SecurityPolicyVersioned v2', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(put(name, { rules: [noCritical, noHigh] }))
        .then({
          status: 200,
          body: { name, version: 2, rules: [noCritical, noHigh] },
          events: { [stream]: [policyVersioned(name, [noCritical, noHigh], 2)] },
        });
    });

    it('the same rules again append nothing', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(put(name, { rules: [noCritical] }))
        .then({ status: 200, body: { name, version: 1 } });
    });

    it('422 PIPELINE_SECURITY_POLICY_EXPRESSION_INVALID for a rule that is not CEL', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream)
        .when(put(name, { rules: [{ ...noCritical, expression: "finding.severity == 'critical" }] }))
        .then({ status: 422, code: Codes.POLICY_EXPRESSION_INVALID, body: { rule: 'no-critical' } });
    });

    it('400 without rules', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream)
        .when(put(name, { rules: [] }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });

    it('403 for a developer', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream)
        .when(s.request('PUT', `/security-policies/${name}`, dev, { rules: [noCritical] }))
        .then({ status: 403, code: ErrorCodes.FORBIDDEN });
    });
  });

  describe('POST exceptions', () => {
    const request = (name: string, payload: unknown) =>
      s.request('POST', `/security-policies/${name}/exceptions`, dev, payload);
    const asked = { findingId: 'CVE-2026-7', justification: 'Not reachable: the parser is unused.', expiresAt };

    it('requests a time-boxed exception: SecurityExceptionRequested, its id in Location', async () => {
      const { name, stream, policyId } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(request(name, asked))
        .then({
          status: 201,
          body: (body: { exceptions: unknown[] }, response: InjectedResponse) => {
            const exceptionId = exceptionIdOf(response);
            expect(body.exceptions).toEqual([
              {
                exceptionId,
                findingId: 'CVE-2026-7',
                expiresAt,
                requestedBy: 'dev-ana',
                approvedBy: null,
                active: false,
              },
            ]);
          },
          events: (response) => ({
            [stream]: [
              event(SecurityExceptionRequested, {
                policyId,
                exceptionId: exceptionIdOf(response),
                ...asked,
                requestedBy: 'dev-ana',
              }),
            ],
          }),
        });
    });

    it('422 PIPELINE_SECURITY_EXCEPTION_EXPIRY_INVALID for an expiry past 90 days', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(request(name, { ...asked, expiresAt: '2027-03-01T10:00:00.000Z' }))
        .then({ status: 422, code: Codes.EXCEPTION_EXPIRY_INVALID });
    });

    it('422 PIPELINE_SECURITY_EXCEPTION_EXPIRY_INVALID for an expiry in the past', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(request(name, { ...asked, expiresAt: '2026-11-26T09:59:59.000Z' }))
        .then({ status: 422, code: Codes.EXCEPTION_EXPIRY_INVALID });
    });

    it('404 PIPELINE_SECURITY_POLICY_NOT_FOUND for a policy never published', async () => {
      const { name, stream } = fresh();
      await s.spec().given(stream).when(request(name, asked)).then({ status: 404, code: Codes.POLICY_NOT_FOUND });
    });

    it('400 without a justification', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(request(name, { findingId: 'CVE-2026-7', expiresAt }))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('POST exceptions/:exceptionId/approve', () => {
    const approve = (name: string, exceptionId: string, actor = approver) =>
      s.request('POST', `/security-policies/${name}/exceptions/${exceptionId}/approve`, actor, { reason: 'CAB ok' });
    const requested = (policyId: string, exceptionId: string): SpecEvent =>
      event(SecurityExceptionRequested, {
        policyId,
        exceptionId,
        findingId: 'CVE-2026-7',
        justification: 'Not reachable.',
        expiresAt,
        requestedBy: 'dev-ana',
      });
    const approved = (policyId: string, exceptionId: string) =>
      event(SecurityExceptionApproved, { policyId, exceptionId, approvedBy: 'appr-cy', reason: 'CAB ok' });

    it('approves it: SecurityExceptionApproved, the exception active now', async () => {
      const { name, stream, policyId } = fresh();
      const exceptionId = crypto.randomUUID();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]), requested(policyId, exceptionId))
        .when(approve(name, exceptionId))
        .then({
          status: 200,
          body: { exceptions: [{ exceptionId, approvedBy: 'appr-cy', active: true }] },
          events: { [stream]: [approved(policyId, exceptionId)] },
        });
    });

    it('409 PIPELINE_SECURITY_EXCEPTION_SELF_APPROVAL for its requester', async () => {
      const { name, stream, policyId } = fresh();
      const exceptionId = crypto.randomUUID();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]), requested(policyId, exceptionId))
        .when(approve(name, exceptionId, { ...dev, roles: ['developer', 'approver'] }))
        .then({ status: 409, code: Codes.EXCEPTION_SELF_APPROVAL });
    });

    it('409 PIPELINE_SECURITY_EXCEPTION_ALREADY_APPROVED the second time', async () => {
      const { name, stream, policyId } = fresh();
      const exceptionId = crypto.randomUUID();
      await s
        .spec()
        .given(
          stream,
          policyVersioned(name, [noCritical]),
          requested(policyId, exceptionId),
          approved(policyId, exceptionId),
        )
        .when(approve(name, exceptionId))
        .then({ status: 409, code: Codes.EXCEPTION_ALREADY_APPROVED });
    });

    it('404 PIPELINE_SECURITY_EXCEPTION_NOT_FOUND for an exception never requested', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(approve(name, crypto.randomUUID()))
        .then({ status: 404, code: Codes.EXCEPTION_NOT_FOUND });
    });

    it('404 PIPELINE_SECURITY_POLICY_NOT_FOUND for a policy never published', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream)
        .when(approve(name, crypto.randomUUID()))
        .then({ status: 404, code: Codes.POLICY_NOT_FOUND });
    });

    it('400 for an exception id that is not a UUID', async () => {
      const { name, stream } = fresh();
      await s
        .spec()
        .given(stream, policyVersioned(name, [noCritical]))
        .when(approve(name, 'cve-2026-7'))
        .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    });
  });
});

/** The id the server minted, from the Location of the new exception. */
function exceptionIdOf(response: InjectedResponse): string {
  const location = String(response.headers.location);
  const id = location.split('/').at(-1);
  expect(location).toMatch(/^\/security-policies\/pol-[0-9a-f]{8}\/exceptions\/[0-9a-f-]{36}$/);
  return id as string;
}
