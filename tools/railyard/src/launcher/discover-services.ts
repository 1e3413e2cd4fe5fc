import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ServiceEntry {
  /** The folder name under services/, used as the log prefix. */
  name: string;
  dir: string;
  /** The compiled composition root: the package.json `main`, else dist/main.js. */
  main: string;
}

/**
 * The services that can be started: every services/<name>/ holding a package.json and its built composition root
 * (the package's `main`, default dist/main.js), in name order. One not built yet is skipped.
 */
export function discoverServices(repoRoot: string): ServiceEntry[] {
  const servicesDir = path.join(repoRoot, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = path.join(servicesDir, entry.name);
      const manifest = path.join(dir, 'package.json');
      if (!existsSync(manifest)) return undefined;
      const { main } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
      return { name: entry.name, dir, main: path.join(dir, main ?? path.join('dist', 'main.js')) };
    })
    .filter((s): s is ServiceEntry => s !== undefined && existsSync(s.main))
    .sort((a, b) => a.name.localeCompare(b.name));
}
