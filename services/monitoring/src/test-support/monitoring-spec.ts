import type { Actor } from '@railyard/contracts';
import { type HttpSpecification, httpSpecification, type InjectRequest } from '@railyard/testing';
import { type MonitoringFixture, type MonitoringFixtureOptions, startMonitoring } from './monitoring-fixture.js';

/** The instant the service's clock shows in a specification (moved by the test where it must). */
export const SPEC_NOW = new Date('2026-12-01T12:00:00.000Z');

export const sre: Actor = { id: 'sre-oli', kind: 'user', roles: ['sre'] };
export const developer: Actor = { id: 'dev-ana', kind: 'user', roles: ['developer'] };

export interface MonitoringSpecFixture {
  f: MonitoringFixture;
  clock: { now: Date };
  /** A specification of this service (given events in named streams, a request, the response and new events). */
  spec(): HttpSpecification;
  /** A request by `actor`, for `when` (its bearer token is signed when the specification runs). */
  request(method: InjectRequest['method'], url: string, actor: Actor, payload?: unknown): () => Promise<InjectRequest>;
  close(): Promise<void>;
}

/** The monitoring service with a clock stopped at SPEC_NOW, for the slices' specifications. */
export async function startMonitoringSpecs(
  label: string,
  options: Omit<MonitoringFixtureOptions, 'now'> = {},
): Promise<MonitoringSpecFixture> {
  const clock = { now: SPEC_NOW };
  const f = await startMonitoring(label, { ...options, now: () => clock.now });
  return {
    f,
    clock,
    spec: () => httpSpecification(f),
    request: (method, url, actor, payload) => async () => ({
      method,
      url,
      headers: await f.auth(actor.id, actor.roles),
      ...(payload === undefined ? {} : { payload }),
    }),
    close: () => f.close(),
  };
}
