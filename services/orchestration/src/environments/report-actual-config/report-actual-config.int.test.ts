import { environmentStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentBody } from '../../test-support/environments.js';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// POST /environments/:name/actual-config (E1): drift as RFC 6902 paths after the ignore rules.
describe('POST /environments/:name/actual-config', () => {
  let f: OrchestrationFixture;
  let agent: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('actualConfig');
    const sre = await f.as('sre-sam', ['sre']);
    const body = environmentBody('web-dev', 'dev', { driftIgnore: ['/status'] });
    expect((await sre.post('/environments', body)).statusCode).toBe(201);
    agent = await f.as('agent-1', ['deployer']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records only the report when the differences are under an ignore rule', async () => {
    const res = await agent.post('/environments/web-dev/actual-config', {
      config: { replicas: 2, flags: { beta: false }, status: { lastApplied: 'now' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      drift: { status: 'in-sync', differences: [] },
      recorded: ['ActualConfigReported'],
    });
  });

  it('records DriftDetected with every operation, once per distinct drift', async () => {
    const config = { replicas: 2, flags: { beta: true, gamma: 1 } };
    const first = await agent.post('/environments/web-dev/actual-config', { config });
    expect(first.json().recorded).toEqual(['ActualConfigReported', 'DriftDetected']);
    const again = await agent.post('/environments/web-dev/actual-config', { config });
    expect(again.json().recorded).toEqual(['ActualConfigReported']);
    const events = await f.events(environmentStream('web-dev'));
    expect(events.at(-2)).toEqual({
      type: 'DriftDetected',
      data: {
        name: 'web-dev',
        configSha256: first.json().configSha256,
        differences: [
          { op: 'replace', path: '/flags/beta', expected: false, actual: true },
          { op: 'add', path: '/flags/gamma', actual: 1 },
        ],
      },
    });
    await f.settle();
    const list = await agent.get('/environments?drift=drifted');
    expect(list.json().items).toEqual([
      expect.objectContaining({ name: 'web-dev', driftStatus: 'drifted', driftCount: 2 }),
    ]);
  });

  it('refuses an agent without deployer or sre (403) and a config that is not an object (400), appending nothing', async () => {
    const before = await f.head();
    const viewer = await f.as('viewer', ['auditor']);
    expect((await viewer.post('/environments/web-dev/actual-config', { config: {} })).statusCode).toBe(403);
    const bad = await agent.post('/environments/web-dev/actual-config', { config: [1, 2] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('RAILYARD_REQUEST_INVALID');
    expect(await f.head()).toBe(before);
  });
});
