import type { SeriesLabels } from './metrics-source.js';

/**
 * PromQL templates per metric (M4). A template names its inputs as `{{service}}`, `{{environment}}`,
 * `{{version}}`, `{{window}}` (the rate window, e.g. `1m`) and, for latency, `{{quantile}}` (0.95 for p95). Label
 * values are rendered as PromQL string literals' contents (backslash and double quote escaped, Prometheus querying
 * basics: "String literals"), so a value can never close the literal and inject a selector.
 */
export type PromqlTemplates = Record<string, string>;

/** Selector of one service's version in one environment, as the reference app instances label their metrics. */
const SEL = 'service="{{service}}",environment="{{environment}}",version="{{version}}"';

export const DEFAULT_PROMQL_TEMPLATES: PromqlTemplates = {
  'error-rate':
    `100 * sum(rate(http_requests_total{${SEL},code=~"5.."}[{{window}}])) / ` +
    `sum(rate(http_requests_total{${SEL}}[{{window}}]))`,
  latency: `1000 * histogram_quantile({{quantile}}, sum by (le) (rate(http_request_duration_seconds_bucket{${SEL}}[{{window}}])))`,
  sessions: `sum(active_sessions{${SEL}})`,
  health: `min(up{${SEL}})`,
};

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const WINDOW = /^\d+(ms|s|m|h|d)$/;

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** The template a metric name uses: `latency-p95` → `latency` with quantile 0.95; others by their own name. */
export function templateFor(
  templates: PromqlTemplates,
  metric: string,
): { template: string; quantile?: number } | undefined {
  const latency = /^latency-p(\d{2}(?:\.\d+)?)$/.exec(metric);
  if (latency && templates.latency) return { template: templates.latency, quantile: Number(latency[1]) / 100 };
  const own = templates[metric];
  return own ? { template: own } : undefined;
}

/**
 * Renders a template, or throws TemplateError naming what is wrong: an unknown placeholder, a placeholder the metric
 * has no value for, a malformed window, unbalanced brackets, or leftover braces of a broken placeholder.
 */
export function renderPromql(
  template: string,
  labels: SeriesLabels,
  options: { window: string; quantile?: number },
): string {
  if (!WINDOW.test(options.window)) throw new TemplateError(`window ${options.window} is not a PromQL duration`);
  const values: Record<string, string | undefined> = {
    service: escapeLabel(labels.service),
    environment: escapeLabel(labels.environment),
    version: escapeLabel(labels.version),
    window: options.window,
    quantile: options.quantile === undefined ? undefined : String(options.quantile),
  };
  const rendered = template.replace(PLACEHOLDER, (_m, name: string) => {
    if (!(name in values)) throw new TemplateError(`unknown placeholder {{${name}}}`);
    const value = values[name];
    if (value === undefined) throw new TemplateError(`placeholder {{${name}}} has no value for this metric`);
    return value;
  });
  if (rendered.includes('{{') || rendered.includes('}}')) throw new TemplateError('a placeholder is not closed');
  checkBalanced(rendered);
  return rendered;
}

/** Brackets balance outside string literals (a cheap check before Prometheus parses it for real). */
function checkBalanced(q: string) {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | null = null;
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) throw new TemplateError(`unbalanced ${c} at ${i}`);
  }
  if (quote) throw new TemplateError('a string literal is not closed');
  if (stack.length > 0) throw new TemplateError(`unclosed ${stack.at(-1)}`);
}
