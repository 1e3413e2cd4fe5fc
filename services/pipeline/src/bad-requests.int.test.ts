import { httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciHeaders, type PipelineFixture, startPipeline } from './test-support/pipeline-fixture.js';

// Bad input gets a 4xx problem+json with a stable code, and appends nothing.
describe('bad requests', () => {
  let f: PipelineFixture;
  let runId: string;
  let h: Record<'rm' | 'dev' | 'sec', { authorization: string }>;
  const stages = [
    { kind: 'build', name: 'build' },
    { kind: 'deploy', name: 'staging', environment: 'staging' },
  ];

  beforeAll(async () => {
    f = await startPipeline('pipeBad');
    h = {
      rm: await f.auth('rm-ana', ['release-manager']),
      dev: await f.auth('dev-ana', ['developer']),
      sec: await f.auth('sec-lee', ['sre']),
    };
    const put = (url: string, payload: Record<string, unknown>, headers: { authorization: string }) =>
      f.app.inject({ method: 'PUT', url, headers, payload });
    expect((await put('/services/ledger/pipeline-definition', { tier: 'standard', stages }, h.rm)).statusCode).toBe(
      200,
    );
    const rule = { id: 'no-critical', description: 'none', expression: "finding.severity == 'critical'", maxCount: 0 };
    expect((await put('/security-policies/default', { rules: [rule] }, h.sec)).statusCode).toBe(200);
    await f.publishArtifact({ name: 'ledger', version: '1.0.0', sha256: 'd'.repeat(64) });
    await f.until('ledger in the read model', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/artifacts/ledger/1.0.0/gates', headers: h.dev });
      return res.statusCode === 200 ? true : undefined;
    });
    const run = await f.app.inject({
      method: 'POST',
      url: '/runs',
      headers: h.dev,
      payload: { service: 'ledger', artifact: { name: 'ledger', version: '1.0.0' }, changeAuthor: 'dev-bo' },
    });
    expect(run.statusCode).toBe(201);
    runId = run.json().id;
  });
  afterAll(async () => {
    await f?.close();
  });

  const cases: {
    name: string;
    method: 'POST' | 'PUT' | 'GET';
    url: () => string;
    who: 'rm' | 'dev' | 'sec' | 'ci' | 'nobody';
    payload?: Record<string, unknown>;
    status: number;
    code: string;
  }[] = [
    {
      name: 'unknown field in a definition',
      method: 'PUT',
      url: () => '/services/ledger/pipeline-definition',
      who: 'rm',
      payload: { tier: 'standard', stages, colour: 'blue' },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'an approval not followed by its deploy',
      method: 'PUT',
      url: () => '/services/ledger/pipeline-definition',
      who: 'rm',
      payload: {
        tier: 'standard',
        stages: [
          ...stages,
          {
            kind: 'approval',
            name: 'a',
            environment: 'prod',
            groups: ['approver'],
            minApprovals: 1,
            expiresAfterMinutes: 5,
          },
        ],
      },
      status: 422,
      code: 'PIPELINE_DEFINITION_INVALID',
    },
    {
      name: 'a service name that is not one',
      method: 'PUT',
      url: () => '/services/Ledger_X/pipeline-definition',
      who: 'rm',
      payload: { tier: 'standard', stages },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'a run of an artifact no event mentioned',
      method: 'POST',
      url: () => '/runs',
      who: 'dev',
      payload: { service: 'ledger', artifact: { name: 'ledger', version: '9.9.9' }, changeAuthor: 'x' },
      status: 409,
      code: 'PIPELINE_ARTIFACT_UNKNOWN',
    },
    {
      name: 'a run of a service without a definition',
      method: 'POST',
      url: () => '/runs',
      who: 'dev',
      payload: { service: 'nothing', artifact: { name: 'ledger', version: '1.0.0' }, changeAuthor: 'x' },
      status: 404,
      code: 'PIPELINE_DEFINITION_NOT_FOUND',
    },
    {
      name: 'a policy rule that is not CEL',
      method: 'PUT',
      url: () => '/security-policies/default',
      who: 'sec',
      payload: {
        rules: [{ id: 'broken', description: 'x', expression: "finding.severity == 'high' &&", maxCount: 0 }],
      },
      status: 422,
      code: 'PIPELINE_SECURITY_POLICY_EXPRESSION_INVALID',
    },
    {
      name: 'an exception that expired already',
      method: 'POST',
      url: () => '/security-policies/default/exceptions',
      who: 'dev',
      payload: { findingId: 'F-1', justification: 'x', expiresAt: '2020-01-01T00:00:00Z' },
      status: 422,
      code: 'PIPELINE_SECURITY_EXCEPTION_EXPIRY_INVALID',
    },
    {
      name: 'a severity scanners do not use',
      method: 'POST',
      url: () => `/runs/${runId}/security-scans`,
      who: 'ci',
      payload: { kind: 'sast', tool: 'semgrep', findings: [{ id: 'F', rule: 'r', severity: 'urgent' }] },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'zero shards',
      method: 'POST',
      url: () => `/runs/${runId}/stages/1/shards`,
      who: 'ci',
      payload: {
        tests: [{ name: 't', durationMs: 1 }],
        matrix: { browsers: ['chrome'], devices: ['desktop'] },
        shardCount: 0,
      },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'sharding a build stage',
      method: 'POST',
      url: () => `/runs/${runId}/stages/0/shards`,
      who: 'ci',
      payload: {
        tests: [{ name: 't', durationMs: 1 }],
        matrix: { browsers: ['chrome'], devices: ['desktop'] },
        shardCount: 2,
      },
      status: 409,
      code: 'PIPELINE_STAGE_KIND_MISMATCH',
    },
    {
      name: 'a stage that is not current',
      method: 'POST',
      url: () => `/runs/${runId}/stages/1/claim`,
      who: 'ci',
      status: 409,
      code: 'PIPELINE_STAGE_NOT_CURRENT',
    },
    {
      name: 'a report before a claim',
      method: 'POST',
      url: () => `/runs/${runId}/stages/0/result`,
      who: 'ci',
      payload: { outcome: 'passed' },
      status: 409,
      code: 'PIPELINE_STAGE_NOT_CLAIMED',
    },
    {
      name: 'an unknown run',
      method: 'POST',
      url: () => '/runs/0193a5b0-0000-7000-8000-000000000000/stages/0/claim',
      who: 'ci',
      status: 404,
      code: 'PIPELINE_RUN_NOT_FOUND',
    },
    {
      name: 'a developer claiming a stage (executors only)',
      method: 'POST',
      url: () => `/runs/${runId}/stages/0/claim`,
      who: 'dev',
      status: 403,
      code: 'RAILYARD_AUTH_FORBIDDEN',
    },
    // Postgres cannot store NUL, and a lone surrogate is not Unicode: refused at validation, for any field.
    {
      name: 'a NUL in a string field',
      method: 'POST',
      url: () => '/runs',
      who: 'dev',
      payload: { service: 'ledger', artifact: { name: 'ledger', version: '1.0.0' }, changeAuthor: 'x\u0000' },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'a lone surrogate in a nested string',
      method: 'PUT',
      url: () => '/services/ledger/pipeline-definition',
      who: 'rm',
      payload: { tier: 'standard', stages: [{ kind: 'build', name: 'b\udfff' }] },
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'a NUL in the query',
      method: 'GET',
      url: () => '/runs?service=led%00ger',
      who: 'dev',
      status: 400,
      code: 'RAILYARD_REQUEST_INVALID',
    },
    {
      name: 'no credentials',
      method: 'POST',
      url: () => `/runs/${runId}/stages/0/claim`,
      who: 'nobody',
      status: 401,
      code: 'RAILYARD_AUTH_MISSING',
    },
    {
      name: 'accepting a run that has not succeeded',
      method: 'POST',
      url: () => `/runs/${runId}/accept`,
      who: 'rm',
      status: 409,
      code: 'PIPELINE_BASELINE_RUN_NOT_SUCCEEDED',
    },
  ];

  it.each(cases)('$name → $status $code, nothing appended', async (c) => {
    const headers = c.who === 'nobody' ? {} : c.who === 'ci' ? ciHeaders : h[c.who];
    // No `events`: the specification fails if the request appended anything, in any stream.
    await httpSpecification(f)
      .when({ method: c.method, url: c.url(), headers, ...(c.payload ? { payload: c.payload } : {}) })
      .then({ status: c.status, code: c.code });
  });
});
