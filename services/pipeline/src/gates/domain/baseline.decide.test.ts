import { PipelineErrorCodes as Codes } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import type { ActiveRun } from '../../runs/domain/run.js';
import { baselineDecider } from './baseline.decide.js';

const actor = { id: 'rm-ana', kind: 'user' as const, roles: ['release-manager'] };
const at = new Date('2026-11-26T10:00:00Z');
const metrics = { p50Ms: 40, p95Ms: 120, p99Ms: 300, throughputRps: 500, errorRate: 0.001 };
const artifact = { name: 'payments-api', version: '2.3.1', sha256: 'a'.repeat(64) };
const run: ActiveRun = {
  exists: true,
  runId: '0193a5b0-0000-7000-8000-0000000000aa',
  service: 'payments-api',
  stages: [],
  securityPolicy: 'default',
  artifact,
  strategies: [],
  changeAuthor: 'dev',
  triggeredBy: 'ci',
  releaseId: null,
  commits: [],
  status: 'succeeded',
  current: 0,
  approvals: [],
  deployedTo: ['prod'],
  scans: {},
  loadTest: { environment: 'staging', metrics },
};
const baseline = spec(baselineDecider);

describe('the performance baseline', () => {
  it('moves when a succeeded run is accepted', () => {
    baseline.when({ type: 'AcceptRelease', actor, at, run, reason: 'ok' }).then([
      {
        type: 'ReleaseAccepted',
        data: { service: 'payments-api', runId: run.runId, artifact, metrics, reason: 'ok' },
      },
    ]);
  });
  it('never moves for a run that did not succeed, or that has no load test', () => {
    baseline
      .when({ type: 'AcceptRelease', actor, at, run: { ...run, status: 'running' } })
      .thenThrows(Codes.BASELINE_RUN_NOT_SUCCEEDED);
    baseline
      .when({ type: 'AcceptRelease', actor, at, run: { ...run, loadTest: undefined } })
      .thenThrows(Codes.BASELINE_NO_LOAD_TEST);
  });
});
