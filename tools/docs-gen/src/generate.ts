import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactOpenApi } from './artifact-openapi.js';
import { biomeFormat } from './biome-format.js';
import { CATALOGUES } from './catalogues.js';
import { renderEventCatalogue } from './event-catalogue.js';
import { governanceOpenApi } from './governance-openapi.js';
import { monitoringOpenApi } from './monitoring-openapi.js';
import { orchestrationOpenApi } from './orchestration-openapi.js';
import { pipelineOpenApi } from './pipeline-openapi.js';
import { planningOpenApi } from './planning-openapi.js';
import { stableJson } from './stable-json.js';

/** The repository root: this file is tools/docs-gen/{src,dist}/generate.(ts|js). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A generated document: its path relative to the repository root and its content. */
export interface GeneratedDoc {
  path: string;
  content: string;
}

/** The services whose OpenAPI document is generated, each with a function that builds it from the app. */
const API_DOCS: readonly { service: string; build: () => Promise<Record<string, unknown>> }[] = [
  { service: 'planning', build: planningOpenApi },
  { service: 'artifact', build: artifactOpenApi },
  { service: 'pipeline', build: pipelineOpenApi },
  { service: 'orchestration', build: orchestrationOpenApi },
  { service: 'monitoring', build: monitoringOpenApi },
  { service: 'governance', build: governanceOpenApi },
];

/** Every generated document, rendered in memory. */
export async function generateDocs(): Promise<GeneratedDoc[]> {
  const events = 'docs/events.md';
  // Biome formats markdown (and the JSON inside it); docs/api is outside its scope (biome.json).
  const docs: GeneratedDoc[] = [
    { path: events, content: await biomeFormat(REPO_ROOT, events, renderEventCatalogue(CATALOGUES)) },
  ];
  for (const api of API_DOCS) {
    docs.push({ path: `docs/api/${api.service}.openapi.json`, content: stableJson(await api.build()) });
  }
  return docs;
}

/** The documents whose committed content differs from `docs` (missing files count as different). */
export async function staleDocs(docs: readonly GeneratedDoc[], root = REPO_ROOT): Promise<string[]> {
  const stale: string[] = [];
  for (const doc of docs) {
    const current = await readFile(path.join(root, doc.path), 'utf8').catch(() => undefined);
    if (current !== doc.content) stale.push(doc.path);
  }
  return stale;
}

/** `generate [--check]`: writes the generated docs, or with --check exits 1 when the committed ones are stale. */
async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`docs-gen: unknown argument ${unknown.join(' ')}\nusage: generate [--check]\n`);
    return 2;
  }
  const docs = await generateDocs();
  if (argv.includes('--check')) {
    const stale = await staleDocs(docs);
    if (stale.length === 0) {
      process.stdout.write(`docs-gen: ${docs.length} generated documents are up to date\n`);
      return 0;
    }
    process.stderr.write(`docs-gen: out of date (run \`npm run docs\` and commit): ${stale.join(', ')}\n`);
    return 1;
  }
  for (const doc of docs) {
    const target = path.join(REPO_ROOT, doc.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, doc.content);
    process.stdout.write(`docs-gen: wrote ${doc.path}\n`);
  }
  return 0;
}

// Run only as a script (node tools/docs-gen/dist/generate.js), not when a test imports the module.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
