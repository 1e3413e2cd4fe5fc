import { randomUUID } from 'node:crypto';
import { deploymentStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf } from '../test-support/fixed-history.js';
import { type GovernanceFixture, startGovernance } from '../test-support/governance-fixture.js';

// governance--deployments live on the bus: a deployment event that breaks the agreed contract is dead-lettered and
// leaves no row; the next one is applied.
let f: GovernanceFixture;

beforeAll(async () => {
  f = await startGovernance('gov-deployments');
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const subject = (name: string) => ({
  deploymentId: idOf(name),
  runId: idOf(`run-${name}`),
  stage: 1,
  releaseId: null,
  planId: null,
  service: 'search',
  environment: 'search-staging',
  environmentTier: 'staging',
  artifact: { name: 'search', version: '3.1.0', sha256: 'b'.repeat(64) },
});

describe('governance--deployments', () => {
  it('dead-letters an event that does not match its contract and applies the next one', async () => {
    const consumer = f.runtime.consumers.find((c) => c.name === 'governance--deployments')!;
    // Written past the fixture's contract check, as a buggy producer would.
    await f.store.append(
      deploymentStream(idOf('bad')),
      [
        {
          id: randomUUID(),
          type: 'DeploymentSucceeded',
          data: { ...subject('bad'), commits: 'not a list' },
          metadata: {
            occurredAt: '2026-10-05T10:00:00Z',
            actor: { id: 'orchestration', kind: 'system', roles: [] },
            correlationId: randomUUID(),
            causationId: randomUUID(),
            schemaVersion: 1,
          },
        },
      ],
      'noStream',
    );
    await f.append([
      {
        stream: deploymentStream(idOf('good')),
        type: 'DeploymentSucceeded',
        at: '2026-10-05T11:00:00Z',
        data: {
          ...subject('good'),
          commits: [{ sha: 'abc1234', committedAt: '2026-10-05T09:00:00Z' }],
          startedAt: '2026-10-05T10:50:00Z',
          reason: 'live',
        },
      },
    ]);
    const row = await f.until(
      'the good deployment',
      'SELECT deployment_id, environment_tier, status, deployed_at FROM reporting.deployments',
      () => true,
    );
    expect(row).toEqual({
      deployment_id: idOf('good'),
      environment_tier: 'staging',
      status: 'succeeded',
      deployed_at: new Date('2026-10-05T11:00:00Z'),
    });
    await waitFor('the dead letter', () => consumer.status().deadLettered === 1);
    expect((await f.pool.query('SELECT count(*)::int AS n FROM reporting.deployments')).rows[0].n).toBe(1);
    // A staging deployment is kept for analysts but counts in no DORA figure.
    const verdict = await f.app.inject({
      method: 'GET',
      url: `/dora/deployments/${idOf('good')}`,
      headers: await f.auth('ana', ['analyst']),
    });
    expect(verdict.statusCode).toBe(404);
  });
});
