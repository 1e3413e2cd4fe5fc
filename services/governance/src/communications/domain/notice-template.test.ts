import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES, checkTemplate, renderTemplate } from './notice-template.js';

describe('notice templates', () => {
  it('accept the built-in templates, list fields inside their sections', () => {
    expect(checkTemplate('rollback', BUILT_IN_TEMPLATES.rollback.body)).toBeUndefined();
    expect(checkTemplate('rollback', BUILT_IN_TEMPLATES.rollback.subject)).toBeUndefined();
    expect(checkTemplate('incident', BUILT_IN_TEMPLATES.incident.body)).toBeUndefined();
  });
  it('refuse unknown variables, item fields outside their list, unescaped tags and partials', () => {
    expect(
      checkTemplate('incident', '{{hypothesis}} {{secret}} {{version}} {{{impact}}} {{&title}} {{> footer}}'),
    ).toEqual({
      kind: 'rejected',
      unknownVariables: ['secret', 'version'],
      unescapedTags: ['impact', 'title'],
      partials: ['footer'],
    });
    expect(checkTemplate('rollback', '{{#snapshot.live}}{{version}}{{/snapshot.live}}')).toBeUndefined();
    expect(checkTemplate('rollback', '{{#snapshot.live}}{{key}}{{/snapshot.live}}')).toMatchObject({
      unknownVariables: ['key'],
    });
  });
  it('say why a template does not parse', () => {
    expect(checkTemplate('incident', '{{#title}} never closed')).toMatchObject({ kind: 'unparsable' });
  });
  it('render with HTML escaping', () => {
    expect(renderTemplate('{{hypothesis}}', { hypothesis: '<script>&' })).toBe('&lt;script&gt;&amp;');
  });
});
