import type { QuotaEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { quotaDecider } from './quota.decide.js';

const limits = { concurrentDeployments: 2, instances: 10, cpuUnits: 8, memoryUnits: 16 };
const set = (whenExceeded: 'refuse' | 'queue'): QuotaEvent => ({
  type: 'QuotaSet',
  data: { team: 'payments', environment: 'staging', limits, whenExceeded, setBy: 'sre' },
});
const demand = (instances: number, cpuUnits = 1, memoryUnits = 1) => ({ instances, cpuUnits, memoryUnits });
const reserved = (id: string, d = demand(4), fromQueue = false): QuotaEvent => ({
  type: 'QuotaReserved',
  data: { team: 'payments', environment: 'staging', deploymentId: id, demand: d, fromQueue },
});

describe('quota decider', () => {
  it('answers 404 before a quota is set', () => {
    spec(quotaDecider)
      .when({ type: 'ReserveQuota', deploymentId: 'd1', demand: demand(1) })
      .thenThrows('ORCHESTRATION_QUOTA_NOT_FOUND');
  });
  it('reserves within the limits', () => {
    spec(quotaDecider)
      .given([set('refuse')])
      .when({ type: 'ReserveQuota', deploymentId: 'd1', demand: demand(4) })
      .then([reserved('d1')]);
  });
  it('refuses over quota naming each limit and by how much', () => {
    const err = spec(quotaDecider)
      .given([set('refuse'), reserved('d1')])
      .when({ type: 'ReserveQuota', deploymentId: 'd2', demand: demand(8, 9) })
      .thenThrows('ORCHESTRATION_QUOTA_EXCEEDED');
    expect(err.details?.exceeded).toEqual([
      { limit: 'instances', max: 10, wouldUse: 12, over: 2 },
      { limit: 'cpuUnits', max: 8, wouldUse: 10, over: 2 },
    ]);
    expect(err.message).toContain('instances 12 > 10 (over by 2)');
  });
  it('counts concurrent deployments', () => {
    const err = spec(quotaDecider)
      .given([set('refuse'), reserved('d1', demand(1)), reserved('d2', demand(1))])
      .when({ type: 'ReserveQuota', deploymentId: 'd3', demand: demand(1) })
      .thenThrows('ORCHESTRATION_QUOTA_EXCEEDED');
    expect(err.details?.exceeded).toEqual([{ limit: 'concurrentDeployments', max: 2, wouldUse: 3, over: 1 }]);
  });
  it('queues over quota in queue mode, and admits the head of the queue when a reservation is released', () => {
    const q: QuotaEvent = {
      type: 'QuotaReservationQueued',
      data: {
        team: 'payments',
        environment: 'staging',
        deploymentId: 'd2',
        demand: demand(8),
        exceeded: [{ limit: 'instances', max: 10, wouldUse: 12, over: 2 }],
      },
    };
    spec(quotaDecider)
      .given([set('queue'), reserved('d1')])
      .when({ type: 'ReserveQuota', deploymentId: 'd2', demand: demand(8) })
      .then([q]);
    spec(quotaDecider)
      .given([set('queue'), reserved('d1'), q])
      .when({ type: 'ReleaseQuota', deploymentId: 'd1' })
      .then([
        {
          type: 'QuotaReleased',
          data: { team: 'payments', environment: 'staging', deploymentId: 'd1', wasQueued: false },
        },
        reserved('d2', demand(8), true),
      ]);
  });
  it('refuses a deployment twice and a release of an unknown one', () => {
    spec(quotaDecider)
      .given([set('refuse'), reserved('d1')])
      .when({ type: 'ReserveQuota', deploymentId: 'd1', demand: demand(1) })
      .thenThrows('ORCHESTRATION_QUOTA_RESERVATION_EXISTS');
    spec(quotaDecider)
      .given([set('refuse')])
      .when({ type: 'ReleaseQuota', deploymentId: 'zz' })
      .thenThrows('ORCHESTRATION_QUOTA_RESERVATION_NOT_FOUND');
  });
});
