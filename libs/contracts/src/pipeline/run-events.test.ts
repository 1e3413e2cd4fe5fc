import { describe, expect, it } from 'vitest';
import { DeploymentRequested, PipelineRunStarted } from './run-events.js';

describe('pipeline run events, version 2', () => {
  it('upcasts a version-1 DeploymentRequested to no release and no commits, keeping every stored field', () => {
    const v1 = { runId: 'r', stage: 3, service: 'orders', reason: 'ok' };
    expect(DeploymentRequested.version).toBe(2);
    expect(DeploymentRequested.upcast!(v1, 1)).toEqual({ ...v1, releaseId: null, commits: [] });
  });

  it('leaves version-2 data as it was stored', () => {
    const v2 = { runId: 'r', releaseId: '0b7f1f9e-5f7c-4a4b-9a63-2b0d3f0b5c11', commits: [{ sha: 'abc1234' }] };
    expect(PipelineRunStarted.upcast!(v2, 2)).toBe(v2);
  });

  it('refuses a commit sha that is not lowercase hex', () => {
    const shape = DeploymentRequested.schema.shape.commits;
    expect(shape.safeParse([{ sha: 'ABC1234', committedAt: '2026-12-01T10:00:00Z' }]).success).toBe(false);
    expect(shape.safeParse([{ sha: 'abc1234', committedAt: '2026-12-01T10:00:00Z' }]).success).toBe(true);
  });
});
