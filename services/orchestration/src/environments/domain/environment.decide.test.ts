import type { EnvironmentEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { type EnvironmentCommand, environmentDecider } from './environment.decide.js';

const at = new Date('2026-12-01T09:00:00Z');
const iac = {
  template: 'mod/checkout',
  version: '1.0.0',
  parameters: { replicas: 3, db: { size: 'm' } },
  parametersSha256: 'a'.repeat(64),
};
const register: EnvironmentCommand = {
  type: 'RegisterEnvironment',
  name: 'pr-42',
  service: 'checkout',
  tier: 'ephemeral',
  region: 'eu',
  iac,
  driftIgnore: ['/lastApplied'],
  ttlMinutes: 120,
  recreate: null,
  actor: 'sre-sam',
  at,
};
const registered: EnvironmentEvent = {
  type: 'EnvironmentRegistered',
  data: {
    name: 'pr-42',
    service: 'checkout',
    tier: 'ephemeral',
    region: 'eu',
    iac,
    driftIgnore: ['/lastApplied'],
    ttlMinutes: 120,
    expiresAt: '2026-12-01T11:00:00.000Z',
    recreate: null,
    registeredAt: at.toISOString(),
    registeredBy: 'sre-sam',
  },
};
const report = (config: Record<string, unknown>): EnvironmentCommand => ({
  type: 'ReportActualConfig',
  config,
  configSha256: 'b'.repeat(64),
  actor: 'agent',
  at,
});
const reported = (config: Record<string, unknown>): EnvironmentEvent => ({
  type: 'ActualConfigReported',
  data: { name: 'pr-42', config, configSha256: 'b'.repeat(64), reportedBy: 'agent' },
});
const sha = 'b'.repeat(64);

describe('environment decider', () => {
  describe('when nothing is registered', () => {
    it('registers an ephemeral environment with its expiry', () => {
      spec(environmentDecider).when(register).then([registered]);
    });
    it('refuses a TTL on a non-ephemeral tier and an ephemeral one without TTL', () => {
      spec(environmentDecider)
        .when({ ...register, tier: 'staging' })
        .thenThrows('ORCHESTRATION_TTL_ONLY_FOR_EPHEMERAL');
      spec(environmentDecider)
        .when({ ...register, ttlMinutes: null })
        .thenThrows('ORCHESTRATION_EPHEMERAL_TTL_REQUIRED');
    });
    it('refuses a recreate schedule that does not parse, or in an unknown zone', () => {
      spec(environmentDecider)
        .when({ ...register, recreate: { cron: 'every day', timeZone: 'UTC' } })
        .thenThrows('ORCHESTRATION_CRON_INVALID');
      spec(environmentDecider)
        .when({ ...register, recreate: { cron: '0 6 * * *', timeZone: 'Europe/Atlantis' } })
        .thenThrows('ORCHESTRATION_TIME_ZONE_UNKNOWN');
    });
    it('answers 404 to a report', () => {
      spec(environmentDecider).when(report({})).thenThrows('ORCHESTRATION_ENVIRONMENT_NOT_FOUND');
    });
  });

  describe('when registered', () => {
    it('refuses a second registration', () => {
      spec(environmentDecider).given([registered]).when(register).thenThrows('ORCHESTRATION_ENVIRONMENT_EXISTS');
    });
    it('records a report in sync without drift (ignored paths aside)', () => {
      const config = { replicas: 3, db: { size: 'm' }, lastApplied: '2026-12-01' };
      spec(environmentDecider)
        .given([registered])
        .when(report(config))
        .then([reported(config)]);
    });
    it('records DriftDetected with RFC 6902 paths when a value changed', () => {
      const config = { replicas: 5, db: { size: 'm' } };
      spec(environmentDecider)
        .given([registered])
        .when(report(config))
        .then([
          reported(config),
          {
            type: 'DriftDetected',
            data: {
              name: 'pr-42',
              configSha256: sha,
              differences: [{ op: 'replace', path: '/replicas', expected: 3, actual: 5 }],
            },
          },
        ]);
    });
    it('does not repeat DriftDetected for the same drift, and clears it when the value is back', () => {
      const drifted: EnvironmentEvent = {
        type: 'DriftDetected',
        data: {
          name: 'pr-42',
          configSha256: sha,
          differences: [{ op: 'replace', path: '/replicas', expected: 3, actual: 5 }],
        },
      };
      const given = spec(environmentDecider).given([registered, reported({ replicas: 5, db: { size: 'm' } }), drifted]);
      given.when(report({ replicas: 5, db: { size: 'm' } })).then([reported({ replicas: 5, db: { size: 'm' } })]);
      given
        .when(report({ replicas: 3, db: { size: 'm' } }))
        .then([
          reported({ replicas: 3, db: { size: 'm' } }),
          { type: 'DriftCleared', data: { name: 'pr-42', configSha256: sha } },
        ]);
    });
  });

  describe('on the scheduler tick', () => {
    it('does nothing before the TTL runs out', () => {
      spec(environmentDecider)
        .given([registered])
        .when({ type: 'Tick', at: new Date('2026-12-01T10:59:59Z') })
        .thenNothing();
    });
    it('tears the environment down once the TTL has passed, once', () => {
      const tick = { type: 'Tick' as const, at: new Date('2026-12-01T11:00:00Z') };
      const torn: EnvironmentEvent = {
        type: 'EnvironmentTornDown',
        data: {
          name: 'pr-42',
          reason: 'ttl-expired',
          expiresAt: '2026-12-01T11:00:00.000Z',
          tornDownAt: '2026-12-01T11:00:00.000Z',
        },
      };
      spec(environmentDecider).given([registered]).when(tick).then([torn]);
      spec(environmentDecider).given([registered, torn]).when(tick).thenNothing();
    });
    it('requests the latest due recreate only, and restarts the TTL', () => {
      const withRecreate: EnvironmentEvent = {
        ...registered,
        data: { ...registered.data, recreate: { cron: '0 6 * * *', timeZone: 'Europe/Berlin' } },
      } as EnvironmentEvent;
      // Three days later at 07:00 Berlin (06:00 UTC in winter): three 06:00 local starts passed, one request.
      const later = new Date('2026-12-04T06:00:00Z');
      const events = spec(environmentDecider)
        .given([withRecreate])
        .when({ type: 'Tick', at: later })
        .then([
          {
            type: 'EnvironmentTornDown',
            data: {
              name: 'pr-42',
              reason: 'ttl-expired',
              expiresAt: '2026-12-01T11:00:00.000Z',
              tornDownAt: later.toISOString(),
            },
          },
          {
            type: 'EnvironmentRecreateRequested',
            data: {
              name: 'pr-42',
              cron: '0 6 * * *',
              scheduledFor: '2026-12-04T05:00:00.000Z',
              requestedAt: later.toISOString(),
              expiresAt: '2026-12-04T08:00:00.000Z',
            },
          },
        ]);
      const state = events.reduce(
        environmentDecider.evolve,
        spec(environmentDecider).given([withRecreate]).when({ type: 'Tick', at }).state,
      );
      expect(state.exists && state.tornDownAt).toBe(null);
      spec(environmentDecider)
        .given([withRecreate, ...events])
        .when({ type: 'Tick', at: later })
        .thenNothing();
    });
  });
});
