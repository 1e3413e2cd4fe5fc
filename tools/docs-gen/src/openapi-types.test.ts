import { readFile } from 'node:fs/promises';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The repository root: this file is tools/docs-gen/src/openapi-types.test.ts. */
const REPO_ROOT = new URL('../../../', import.meta.url);

/** The components each service's clients name in their code, beside the Problem body every error response carries. */
const KEY_COMPONENTS: Record<string, readonly string[]> = {
  planning: ['Release', 'ReleaseSummaryPage', 'Train', 'RiskPolicy'],
  artifact: ['Artifact', 'ArtifactSummaryPage', 'Bundle', 'SigningKey'],
  pipeline: ['Run', 'RunSummaryPage', 'PipelineDefinition'],
  orchestration: ['Plan', 'PlanSummaryPage', 'Deployment', 'DeploymentSummaryPage', 'Flag', 'Environment', 'Booking'],
  monitoring: ['Anomaly', 'CanaryJudgement', 'AlertOutcome'],
  governance: ['Incident', 'Grant', 'GrantSummaryPage', 'AccessReview', 'Retrospective'],
};

type Responses = Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
type Document = {
  components?: { schemas?: Record<string, unknown> };
  paths: Record<string, Record<string, { responses?: Responses }>>;
};

const refName = (ref: string | undefined) => ref?.split('/').at(-1);

/**
 * A client's code against the generated types: the Problem body (and a problem without its code refused), each key
 * component, every page's items as their named component, and every GET whose JSON answer is a component typed as
 * exactly that component, its 404 as exactly the Problem.
 */
function clientSnippet(doc: Document, keys: readonly string[]): string {
  const lines = [
    "import type { components, paths } from './api.js';",
    'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
    'const same = <T extends true>(): T | undefined => undefined;',
    "type Schemas = components['schemas'];",
    "const problem: Schemas['Problem'] = {",
    "  type: 'urn:railyard:problem:RAILYARD_CONCURRENCY_CONFLICT',",
    "  title: 'Conflict',",
    '  status: 409,',
    "  detail: 'The resource kept changing.',",
    "  instance: '/things/1',",
    "  code: 'RAILYARD_CONCURRENCY_CONFLICT',",
    '  currentRevision: 4,',
    '};',
    '// @ts-expect-error a problem without its code is not one',
    "const codeless: Schemas['Problem'] = { type: 't', title: 't', status: 400, detail: 'd', instance: '/' };",
    'export const codes: string[] = [problem.code, codeless.code];',
    `export type Keys = [${keys.map((k) => `Schemas['${k}']`).join(', ')}];`,
  ];
  for (const name of Object.keys(doc.components?.schemas ?? {})) {
    const item = name.endsWith('Page') ? name.slice(0, -'Page'.length) : undefined;
    if (item && doc.components?.schemas?.[item]) {
      lines.push(`same<Equal<Schemas['${name}']['items'][number], Schemas['${item}']>>();`);
    }
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    const responses = item.get?.responses ?? {};
    const named = refName(responses['200']?.content?.['application/json']?.schema?.$ref);
    if (!named) continue;
    const get = `paths['${path}']['get']['responses']`;
    lines.push(`same<Equal<${get}[200]['content']['application/json'], Schemas['${named}']>>();`);
    if (responses['404']) {
      lines.push(`same<Equal<${get}[404]['content']['application/problem+json'], Schemas['Problem']>>();`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Type-checks `files` (in memory, strict) and returns the diagnostics of those files as text. */
function typeErrors(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const virtual = (name: string) => files[name.replace(/^\/virtual\//, '')];
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const text = virtual(name);
    return text === undefined ? getSourceFile(name, version, ...rest) : ts.createSourceFile(name, text, version);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual(name) !== undefined || fileExists(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => name === '/virtual' || (directoryExists?.(name) ?? false);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual(name) ?? readFile(name);
  const roots = Object.keys(files).map((name) => `/virtual/${name}`);
  const program = ts.createProgram(roots, options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith('/virtual/'))
    .map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `${d.file?.fileName}:${at.line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('types generated from the OpenAPI documents (openapi-typescript)', () => {
  for (const [service, keys] of Object.entries(KEY_COMPONENTS)) {
    it(`${service}: names the Problem body and the key entities, and a client compiles against them`, async () => {
      const file = new URL(`docs/api/${service}.openapi.json`, REPO_ROOT);
      const doc = JSON.parse(await readFile(file, 'utf8')) as Document;
      const api = astToString(await openapiTS(doc as unknown as OpenAPI3));
      for (const name of ['Problem', ...keys]) expect(api).toMatch(new RegExp(`^ {8}${name}: \\{`, 'm'));
      const snippet = clientSnippet(doc, keys);
      expect(snippet).toContain("[200]['content']['application/json']");
      expect(typeErrors({ 'package.json': '{"type":"module"}', 'api.d.ts': api, 'client.ts': snippet })).toEqual([]);
    });
  }
});
