import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deploymentStream, deploymentWatchStream } from '@railyard/contracts';
import { waitFor } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentSubject, publishPlan } from '../test-support/deployment-history.js';
import { type MonitoringFixture, startMonitoring } from '../test-support/monitoring-fixture.js';

// M3: after orders is deployed, the health endpoints of the services consuming its API are checked.
let health: Server;
let f: MonitoringFixture;

beforeAll(async () => {
  health = createServer((req, res) => res.writeHead(req.url === '/healthy' ? 200 : 503).end());
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
  f = await startMonitoring('dephealth', {
    bus: true,
    runtime: { healthUrls: { storefront: `${base}/healthy`, search: `${base}/sick`, billing: `${base}/healthy` } },
  });
});
afterAll(async () => {
  await f?.close();
  await new Promise((resolve) => health.close(resolve));
});

describe('dependent health after a deploy', () => {
  it('checks the services that consume an API the deployed service provides, and opens an anomaly for a sick one', async () => {
    const releaseId = randomUUID();
    await publishPlan(f, {
      releaseId,
      lead: 'lead-lea',
      services: [
        { service: 'orders', version: '5.0.0', provides: ['orders-api'] },
        { service: 'storefront', version: '3.1.0', consumes: ['orders-api'] },
        { service: 'search', version: '1.2.0', consumes: ['orders-api'] },
        { service: 'billing', version: '2.0.0' },
      ],
    });
    await waitFor('the plan learnt', async () => {
      const { rows } = await f.pool.query('SELECT count(*) AS n FROM monitoring.plan_services');
      return Number(rows[0].n) === 4;
    });
    const d = deploymentSubject({ releaseId, service: 'orders', version: '5.0.0' });
    await f.appendAs('orchestration', deploymentStream(d.deploymentId), [
      {
        type: 'DeploymentSucceeded',
        data: { ...d, commits: [], startedAt: new Date().toISOString(), reason: 'all steps succeeded' },
      },
    ]);
    const checks = await waitFor('both dependents checked', async () => {
      const events = await f.eventsOf(deploymentWatchStream(d.deploymentId));
      const found = events.filter((e) => e.type === 'DependentHealthChecked').map((e) => e.data);
      return found.length === 2 ? found : undefined;
    });
    expect(checks.map((c) => [c.dependent, c.healthy, c.status])).toEqual([
      ['search', false, 503],
      ['storefront', true, 200],
    ]);
    const anomaly = await waitFor('the anomaly for search', async () =>
      (await f.store.readAll({ filter: { categories: ['anomaly'] } })).find((e) => e.data.service === 'search'),
    );
    expect(anomaly.data).toMatchObject({
      source: 'health-check',
      deploymentId: d.deploymentId,
      releaseId,
      environment: 'prod',
    });
    // billing consumes nothing orders provides: never checked.
    expect(checks.map((c) => c.dependent)).not.toContain('billing');
  });
});
