import type { NoticeKind } from '@railyard/contracts';
// mustache: the maintained logic-less template engine (mustache.js), HTML-escaping every {{var}} by default. Its
// parser exposes the template's tags, so the variables a template uses are checked against the allowed ones at save
// time rather than rendering blanks at send time.
import Mustache from 'mustache';

/** The variables every notice offers (R3: hypothesis, impact scope, next steps, time of the next update). */
const COMMON = ['hypothesis', 'impact', 'nextSteps', 'nextUpdateAt', 'service', 'environment'] as const;

/** Per kind: the names a template may use at the top, and the sections over lists with the names inside them. */
export const TEMPLATE_VARIABLES: Record<NoticeKind, { names: readonly string[]; lists: Record<string, string[]> }> = {
  rollback: {
    names: [
      ...COMMON,
      'deploymentId',
      'fromVersion',
      'toVersion',
      'trigger',
      'reason',
      'snapshot',
      'snapshot.takenAt',
      'snapshot.metrics',
    ],
    lists: {
      'snapshot.live': ['service', 'environment', 'version', 'weight'],
      'snapshot.flags': ['key', 'state', 'defaultVariant'],
    },
  },
  incident: {
    names: [...COMMON, 'incidentId', 'title', 'severity', 'openedAt'],
    lists: {},
  },
};

export type TemplateProblem =
  | { kind: 'unparsable'; message: string }
  | { kind: 'rejected'; unknownVariables: string[]; unescapedTags: string[]; partials: string[] };

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/**
 * Checks a template against its kind's variables: every {{name}}, section and inverted section must be allowed
 * (inside a list section, that list's item fields and `.` too). Unescaped tags ({{{x}}} and {{&x}}) are refused so
 * that escaping stays on for every value, and partials since none exist. Undefined: the template is acceptable.
 */
export function checkTemplate(kind: NoticeKind, template: string): TemplateProblem | undefined {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (error) {
    return { kind: 'unparsable', message: error instanceof Error ? error.message : String(error) };
  }
  const allowed = TEMPLATE_VARIABLES[kind];
  const unknownVariables = new Set<string>();
  const unescapedTags = new Set<string>();
  const partials = new Set<string>();
  const walk = (list: Token[], inner: string[][]) => {
    for (const token of list) {
      const [type, name] = token;
      if (type === 'text' || type === '!') continue;
      if (type === '&' || type === '{') {
        unescapedTags.add(name);
        continue;
      }
      if (type === '>') {
        partials.add(name);
        continue;
      }
      const known =
        allowed.names.includes(name) ||
        name in allowed.lists ||
        (inner.length > 0 && (name === '.' || inner.some((fields) => fields.includes(name))));
      if (!known) unknownVariables.add(name);
      if (type === '#' || type === '^')
        walk(token[4] ?? [], [...inner, ...(allowed.lists[name] ? [allowed.lists[name]] : [])]);
    }
  };
  walk(tokens, []);
  if (unknownVariables.size === 0 && unescapedTags.size === 0 && partials.size === 0) return undefined;
  return {
    kind: 'rejected',
    unknownVariables: [...unknownVariables].sort(),
    unescapedTags: [...unescapedTags].sort(),
    partials: [...partials].sort(),
  };
}

/** Renders a checked template with mustache's default HTML escaping. */
export const renderTemplate = (template: string, view: Record<string, unknown>) => Mustache.render(template, view);

/** The templates used until someone saves one (revision 0). */
export const BUILT_IN_TEMPLATES: Record<NoticeKind, { subject: string; body: string }> = {
  rollback: {
    subject: 'Rollback of {{service}} in {{environment}}',
    body: [
      '{{service}} {{fromVersion}} in {{environment}} is being rolled back{{#toVersion}} to {{toVersion}}{{/toVersion}} ({{trigger}}: {{reason}}).',
      'Root-cause hypothesis: {{hypothesis}}',
      'Impact: {{impact}}',
      'Next steps: {{nextSteps}}',
      'Next update: {{nextUpdateAt}}',
      '{{#snapshot}}Before the rollback ({{snapshot.takenAt}}):',
      '{{#snapshot.live}}- {{service}} in {{environment}}: {{version}}{{#weight}} at {{weight}}%{{/weight}}',
      '{{/snapshot.live}}{{#snapshot.flags}}- flag {{key}}: {{state}} ({{defaultVariant}})',
      '{{/snapshot.flags}}{{/snapshot}}',
    ].join('\n'),
  },
  incident: {
    subject: '[{{severity}}] {{title}}',
    body: [
      'Incident on {{service}}{{#environment}} in {{environment}}{{/environment}}, opened {{openedAt}}.',
      'Root-cause hypothesis: {{hypothesis}}',
      'Impact: {{impact}}',
      'Next steps: {{nextSteps}}',
      'Next update: {{nextUpdateAt}}',
    ].join('\n'),
  },
};
