import { releaseEvents } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderEventCatalogue } from './event-catalogue.js';
import { generateDocs } from './generate.js';

/** The body of the `### <type>` section of the catalogue: up to the next heading. */
function section(markdown: string, type: string): string {
  const start = markdown.indexOf(`\n### ${type}\n`);
  expect(start, `section for ${type}`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + 1);
  const end = rest.slice(1).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

describe('event catalogue', () => {
  const markdown = renderEventCatalogue([{ service: 'planning', category: 'release', catalogue: releaseEvents }]);

  it('documents every release event with its JSON Schema, version, stream and subject', () => {
    const types = Object.keys(releaseEvents);
    expect(types.length).toBeGreaterThan(0);
    for (const [type, def] of Object.entries(releaseEvents)) {
      const body = section(markdown, type);
      expect(body).toContain(def.description);
      expect(body).toContain(`- Version: ${def.version}`);
      expect(body).toContain('- Stream: `release-<id>`');
      expect(body).toContain(`- Subject: \`railyard.planning.release.${type}\``);
      const schema = /```json\n([\s\S]*?)\n```/.exec(body)?.[1];
      expect(schema, `JSON Schema for ${type}`).toBeDefined();
      expect(JSON.parse(schema!)).toEqual(z.toJSONSchema(def.schema));
      expect(markdown).toContain(`| planning | release | [${type}](#${type.toLowerCase()}) |`);
    }
  });

  it('refuses a catalogue listed under a service that does not own its category', () => {
    expect(() =>
      renderEventCatalogue([{ service: 'artifact', category: 'release', catalogue: releaseEvents }]),
    ).toThrow(/belongs to planning/);
  });
});

describe('generated documents', () => {
  it('renders the planning OpenAPI document with its routes, identically twice', async () => {
    const first = await generateDocs();
    const second = await generateDocs();
    expect(second).toEqual(first);
    const openapi = first.find((doc) => doc.path === 'docs/api/planning.openapi.json');
    const doc = JSON.parse(openapi!.content) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/releases', '/releases/{id}']));
  });
});
