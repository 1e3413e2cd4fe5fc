import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMQL_TEMPLATES, renderPromql, TemplateError, templateFor } from './promql-templates.js';

const labels = { service: 'checkout', environment: 'prod', version: '2.4.0' };

describe('PromQL templates', () => {
  it('render the labels, the rate window and the quantile of a latency percentile', () => {
    const found = templateFor(DEFAULT_PROMQL_TEMPLATES, 'latency-p99')!;
    expect(found.quantile).toBe(0.99);
    const q = renderPromql(found.template, labels, { window: '1m', quantile: found.quantile });
    expect(q).toContain('histogram_quantile(0.99,');
    expect(q).toContain('service="checkout",environment="prod",version="2.4.0"');
    expect(q).toContain('[1m]');
  });

  it('escape label values, so a value cannot close its string literal', () => {
    const q = renderPromql(
      'up{version="{{version}}"}',
      { ...labels, version: '1"} or vector(1) or up{x="' },
      { window: '1m' },
    );
    expect(q).toBe('up{version="1\\"} or vector(1) or up{x=\\""}');
  });

  it.each([
    ['an unknown placeholder', 'up{team="{{team}}"}', /unknown placeholder \{\{team\}\}/],
    ['a quantile outside latency', 'histogram_quantile({{quantile}}, x)', /no value/],
    ['unbalanced brackets', 'sum(rate(x[{{window}}])', /unclosed \(/],
    ['a broken placeholder', 'up{{service}', /not closed|unbalanced/],
    ['an open string', 'up{a="{{service}}}', /string literal/],
  ])('refuse %s', (_what, template, message) => {
    expect(() => renderPromql(template, labels, { window: '1m' })).toThrow(TemplateError);
    expect(() => renderPromql(template, labels, { window: '1m' })).toThrow(message);
  });

  it('refuse a window that is not a PromQL duration', () => {
    expect(() => renderPromql('up', labels, { window: '1 minute' })).toThrow(/not a PromQL duration/);
  });
});
