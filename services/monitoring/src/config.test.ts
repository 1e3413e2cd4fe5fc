import { loadConfig } from '@railyard/service-kit';
import { describe, expect, it } from 'vitest';
import { monitoringConfigSchema, pagerDutyOf, prometheusOptionsOf } from './config.js';

describe('the monitoring configuration', () => {
  it('has defaults that work on a developer machine', () => {
    const c = loadConfig(monitoringConfigSchema, {});
    expect(c).toMatchObject({ PORT: 4105, ANALYSIS_INTERVAL_SECONDS: 30, ALERT_CORRELATION_WINDOW_MINUTES: 15 });
    expect(prometheusOptionsOf(c)).toBeUndefined();
    expect(pagerDutyOf(c)).toBeUndefined();
  });

  it('stops at a PromQL template that does not render, naming the variable', () => {
    expect(() =>
      loadConfig(monitoringConfigSchema, {
        PROMETHEUS_TEMPLATES: JSON.stringify({ sessions: 'sum(x{a="{{team}}"})' }),
      }),
    ).toThrow(/PROMETHEUS_TEMPLATES/);
    const ok = loadConfig(monitoringConfigSchema, {
      PROMETHEUS_URL: 'http://127.0.0.1:9090',
      PROMETHEUS_TEMPLATES: JSON.stringify({ sessions: 'sum(x{version="{{version}}"})' }),
    });
    expect(prometheusOptionsOf(ok)!.templates.sessions).toBe('sum(x{version="{{version}}"})');
  });

  it('wants a routing key with a PagerDuty URL, and health URLs that are URLs', () => {
    expect(() => loadConfig(monitoringConfigSchema, { PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:1' })).toThrow(
      /PAGERDUTY_ROUTING_KEY/,
    );
    expect(() => loadConfig(monitoringConfigSchema, { ANALYSIS_SHADOW: 'yes' })).toThrow(/ANALYSIS_SHADOW/);
    expect(() => loadConfig(monitoringConfigSchema, { DEPENDENT_HEALTH_URLS: '{"orders":"ftp://x"}' })).toThrow(
      /DEPENDENT_HEALTH_URLS/,
    );
    const c = loadConfig(monitoringConfigSchema, {
      DEPENDENT_HEALTH_URLS: '{"orders":"http://orders.{{environment}}.internal/health"}',
    });
    expect(c.DEPENDENT_HEALTH_URLS).toEqual({ orders: 'http://orders.{{environment}}.internal/health' });
  });

  it('lets a demo or the end-to-end platform page at the next tick (0 minutes), never a negative time', () => {
    expect(loadConfig(monitoringConfigSchema, { ESCALATE_AFTER_MINUTES: '0' }).ESCALATE_AFTER_MINUTES).toBe(0);
    expect(() => loadConfig(monitoringConfigSchema, { ESCALATE_AFTER_MINUTES: '-1' })).toThrow(
      /ESCALATE_AFTER_MINUTES/,
    );
  });
});
